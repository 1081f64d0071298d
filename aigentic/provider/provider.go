// Package provider chooses the model an example runs on, from the
// environment: OpenAI (or any OpenAI-compatible server) when configured,
// the built-in offline model otherwise. Every example calls it once, in the
// one place that reads its environment.
package provider

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// DefaultOpenAIModel is the model used when OPENAI_MODEL is unset.
const DefaultOpenAIModel = "gpt-4o-mini"

// Settings are the model settings read from the environment.
type Settings struct {
	// APIKey is OPENAI_API_KEY. Never print it.
	APIKey string
	// Model is OPENAI_MODEL, or DefaultOpenAIModel.
	Model string
	// BaseURL is OPENAI_BASE_URL: an OpenAI-compatible server (Ollama,
	// vLLM, LM Studio). Local servers need no key.
	BaseURL string
}

// String describes the settings without the key, and with the base URL in
// its display form ([DisplayURL]). It is also what %v, %+v and %#v print.
func (s Settings) String() string {
	key := "unset"
	if s.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("model=%s base_url=%s api_key=%s", s.Model, DisplayURL(s.BaseURL), key)
}

// GoString makes %#v print [Settings.String], not the key.
func (s Settings) GoString() string { return "provider.Settings{" + s.String() + "}" }

// DisplayURL is the form of a base URL that may be printed or logged:
// [secret.URL], the one rule of the runtime ("http://user:***@host/v1").
func DisplayURL(raw string) string { return secret.URL(raw) }

// FromEnv reads OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL through
// getenv (os.Getenv in programs, a map in tests). An invalid base URL is an
// error naming the variable.
func FromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		APIKey:  strings.TrimSpace(getenv("OPENAI_API_KEY")),
		Model:   strings.TrimSpace(getenv("OPENAI_MODEL")),
		BaseURL: strings.TrimSpace(getenv("OPENAI_BASE_URL")),
	}
	if s.Model == "" {
		s.Model = DefaultOpenAIModel
	}
	if s.BaseURL != "" {
		if why := badBaseURL(s.BaseURL); why != "" {
			return Settings{}, fmt.Errorf("OPENAI_BASE_URL=%q is not a valid http(s) URL: %s (example: http://localhost:11434/v1)", DisplayURL(s.BaseURL), why)
		}
	}
	return s, nil
}

// badBaseURL says what is wrong with a base URL, or "" when nothing is: it
// must be absolute http or https, name a host, and any port must be
// 1–65535 (a TCP port; url.Parse takes any digits).
func badBaseURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "it does not parse"
	case u.Scheme != "http" && u.Scheme != "https":
		return "the scheme must be http or https"
	case u.Hostname() == "":
		return "it names no host"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "the port must be 1–65535"
		}
	}
	return ""
}

// Offline reports whether these settings select the offline model: no key
// and no base URL.
func (s Settings) Offline() bool { return s.APIKey == "" && s.BaseURL == "" }

// New builds the model the settings select, and a one-line description of
// it for the program to print at start-up: never the key, and the base URL
// only in its display form ([DisplayURL]).
func New(s Settings) (ai.Model, string, error) {
	if s.Offline() {
		return offline.NewModel(), "Using the built-in offline model (OPENAI_API_KEY is not set).", nil
	}
	// The base URL is always passed explicitly, so these settings — not
	// whatever the process environment holds — decide where requests go.
	base := openai.DefaultBaseURL
	where := "OpenAI"
	if s.BaseURL != "" {
		base = s.BaseURL
		where = "the OpenAI-compatible server at " + DisplayURL(s.BaseURL)
	}
	m, err := openai.New(s.Model, s.APIKey, openai.WithBaseURL(base))
	if err != nil {
		return nil, "", fmt.Errorf("model: %w", err)
	}
	return m, fmt.Sprintf("Using %s, model %s.", where, s.Model) + KeyNotice(s), nil
}

// KeyNotice says, for a compatible server, whether OPENAI_API_KEY is sent
// to it: like OpenAI's SDKs, the examples send the key to whatever
// OPENAI_BASE_URL names, so the start-up line makes that visible — and
// says so louder when the key would cross the network unencrypted.
func KeyNotice(s Settings) string {
	if s.BaseURL == "" || s.APIKey == "" {
		return ""
	}
	u, err := url.Parse(s.BaseURL)
	if err == nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return " OPENAI_API_KEY is sent to it UNENCRYPTED (plain http); unset it if the server needs no key."
	}
	return " OPENAI_API_KEY is sent to it; unset it if the server needs no key."
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
