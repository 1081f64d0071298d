package cli

import (
	"fmt"
	"net/url"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// NewModel builds the model s selects and a start-up line describing it.
// The line names a compatible server by scheme and host only: a base URL
// can carry credentials (user:password@, a key in the query), which are
// never printed.
func NewModel(s provider.Settings) (ai.Model, string, error) {
	m, _, err := provider.New(s)
	if err != nil {
		return nil, "", Usage(err)
	}
	switch {
	case s.Offline():
		return m, "Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).", nil
	case s.BaseURL == "":
		return m, fmt.Sprintf("Model: %s on OpenAI.", s.Model), nil
	}
	return m, fmt.Sprintf("Model: %s on the OpenAI-compatible server %s.", s.Model, ServerName(s.BaseURL)), nil
}

// ServerName is base's scheme and host ("http://localhost:11434"), without
// user information, path or query.
func ServerName(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "(unparsable OPENAI_BASE_URL)"
	}
	return u.Scheme + "://" + u.Host
}
