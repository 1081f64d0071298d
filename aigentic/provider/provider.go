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
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// DefaultOpenAIModel is the model used when OPENAI_MODEL is unset.
const DefaultOpenAIModel = "gpt-4o-mini"

// MaxModelLen is the longest OPENAI_MODEL [FromEnv] accepts, in bytes. The
// longest names OpenAI gives are fine-tuned models',
// "ft:<base>:<org>:<suffix>:<id>", whose suffix is at most 64 characters
// (OpenAI's API description, CreateFineTuningJobRequest.suffix): well
// under 200 bytes. 256 leaves room for the "org/name:tag" names
// compatible servers (Ollama, vLLM, llama-server) serve, and keeps a
// mistaken value (a file's contents) out of every start-up line and log.
const MaxModelLen = 256

// Settings are the model settings read from the environment.
type Settings struct {
	// APIKey is OPENAI_API_KEY. Never print it.
	APIKey string
	// Model is OPENAI_MODEL, or DefaultOpenAIModel.
	Model string
	// BaseURL is OPENAI_BASE_URL: an OpenAI-compatible server (Ollama,
	// vLLM, LM Studio). Local servers need no key.
	BaseURL string
	// modelDefaulted is set by FromEnv when OPENAI_MODEL was not set, so
	// the start-up line can say the name is only the default.
	modelDefaulted bool
}

// String describes the settings without the key, and with the base URL in
// its display form ([DisplayURL]). It is also what %v, %+v and %#v print.
func (s Settings) String() string {
	key := "unset"
	if s.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("model=%s base_url=%s api_key=%s", s.Model, s.DisplayBaseURL(), key)
}

// DisplayBaseURL is the base URL in its display form ([DisplayURL]), with
// the key removed wherever it appears (a gateway may take it in the path:
// "/proxy/<key>/v1"). It registers the key with [secret.Register], so
// [secret.Redact] knows it from here on; a key shorter than
// [secret.MinLen] is not registered, and not removed (see package secret).
func (s Settings) DisplayBaseURL() string {
	secret.Register(s.APIKey)
	return DisplayURL(s.BaseURL)
}

// GoString makes %#v print [Settings.String], not the key.
func (s Settings) GoString() string { return "provider.Settings{" + s.String() + "}" }

// DisplayURL is the form of a base URL that may be printed or logged:
// every secret [secret.Redact] knows replaced by [secret.Placeholder] — a
// gateway may take the key as a path segment, "/proxy/<key>/v1" — then
// [secret.URL], the one rule of the runtime for URLs
// ("http://user:***@host/v1", query values "***").
func DisplayURL(raw string) string { return secret.URL(secret.Redact(raw)) }

// FromEnv reads OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL through
// getenv (os.Getenv in programs, a map in tests). An invalid base URL
// (shown without the key: [Settings.DisplayBaseURL]), or a model name with
// a control character or longer than [MaxModelLen] bytes, is a one-line
// error naming the variable.
func FromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		APIKey:  strings.TrimSpace(getenv("OPENAI_API_KEY")),
		Model:   strings.TrimSpace(getenv("OPENAI_MODEL")),
		BaseURL: strings.TrimSpace(getenv("OPENAI_BASE_URL")),
	}
	if s.Model == "" {
		s.Model, s.modelDefaulted = DefaultOpenAIModel, true
	}
	if why := badModel(s.Model); why != "" {
		return Settings{}, fmt.Errorf("OPENAI_MODEL is not a valid model name: %s (example: gpt-4o-mini)", why)
	}
	if s.BaseURL != "" {
		if why := badBaseURL(s.BaseURL); why != "" {
			return Settings{}, fmt.Errorf("OPENAI_BASE_URL=%q is not a valid http(s) URL: %s (example: http://localhost:11434/v1)", s.DisplayBaseURL(), why)
		}
	}
	return s, nil
}

// badModel says what is wrong with a model name, or "" when nothing is:
// at most [MaxModelLen] bytes, and no control character (C0, DEL, C1: an
// escape sequence or a newline would reach the terminal in every
// start-up line). The name itself is not quoted: it may be huge, or hold
// the very characters refused.
func badModel(name string) string {
	if len(name) > MaxModelLen {
		return fmt.Sprintf("it is %d bytes long; the limit is %d", len(name), MaxModelLen)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return fmt.Sprintf("it holds a control character (%U at byte %d)", r, i)
		}
	}
	return ""
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
// it for the program to print at start-up — "Model: the built-in offline
// model (…).", "Model: gpt-4o-mini on OpenAI.", "Model: llama3.1 on the
// OpenAI-compatible server http://localhost:11434/v1." — never the key,
// and the base URL only in its display form ([DisplayURL]).
func New(s Settings) (ai.Model, string, error) {
	if s.Offline() {
		return offline.NewModel(), "Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).", nil
	}
	// The base URL is always passed explicitly, so these settings — not
	// whatever the process environment holds — decide where requests go.
	base := openai.DefaultBaseURL
	if s.BaseURL != "" {
		base = s.BaseURL
	}
	m, err := openai.New(s.Model, s.APIKey, openai.WithBaseURL(base))
	if err != nil {
		return nil, "", secret.Error(fmt.Errorf("model: %w", err))
	}
	if s.BaseURL == "" {
		return m, fmt.Sprintf("Model: %s on OpenAI.", s.Model), nil
	}
	desc := fmt.Sprintf("Model: %s on the OpenAI-compatible server %s.", s.Model, s.DisplayBaseURL())
	if s.modelDefaulted {
		// A compatible server serving one model answers with it whatever
		// the name asked: say the name is only the default.
		desc += " OPENAI_MODEL is not set, so that name is only the default; the server may answer with its own model."
	}
	return m, desc + KeyNotice(s), nil
}

// FromEnvModel is [FromEnv] then [New]: the model the environment
// selects (getenv is os.Getenv in programs), with its start-up line.
func FromEnvModel(getenv func(string) string) (ai.Model, string, error) {
	s, err := FromEnv(getenv)
	if err != nil {
		return nil, "", err
	}
	return New(s)
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
