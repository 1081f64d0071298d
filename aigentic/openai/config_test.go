package openai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

func TestConfigurationErrors(t *testing.T) {
	t.Setenv(openai.EnvBaseURL, "")
	t.Setenv(openai.EnvAPIKey, "") // NewModel(name, "") reads it
	t.Run("no key, no base URL", func(t *testing.T) {
		_, err := openai.New("gpt-4o-mini", "")
		if !errors.Is(err, openai.ErrNoAPIKey) || !errors.Is(err, ai.ErrPermanent) {
			t.Fatalf("New: %v", err)
		}
		const want = "openai: no API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server"
		if !strings.Contains(err.Error(), "no API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server") ||
			openai.ErrNoAPIKey.Error() != want {
			t.Errorf("message = %q", err)
		}
		m := openai.NewModel("gpt-4o-mini", "  ")
		if _, err := m.Generate(context.Background(), hello); !errors.Is(err, openai.ErrNoAPIKey) {
			t.Errorf("Generate: %v", err)
		}
		if _, err := m.Ping(context.Background()); !errors.Is(err, openai.ErrNoAPIKey) {
			t.Errorf("Ping: %v", err)
		}
	})
	bad := []struct {
		name  string
		model string
		opts  []openai.Option
	}{
		{"empty model", " ", nil},
		{"relative base URL", "m", []openai.Option{openai.WithBaseURL("localhost:11434/v1")}},
		{"ftp base URL", "m", []openai.Option{openai.WithBaseURL("ftp://example.com/v1")}},
		{"temperature", "m", []openai.Option{openai.WithTemperature(3)}},
		{"max tokens", "m", []openai.Option{openai.WithMaxTokens(-1)}},
		{"authorization header", "m", []openai.Option{openai.WithHeader("authorization", "Bearer x")}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openai.New(tc.model, testKey, tc.opts...)
			if !errors.Is(err, openai.ErrInvalidConfig) || !errors.Is(err, ai.ErrPermanent) {
				t.Fatalf("%v", err)
			}
			modelError(t, err)
		})
	}
	t.Run("key with a newline", func(t *testing.T) {
		_, err := openai.New("m", "sk-a\nb")
		if !errors.Is(err, openai.ErrInvalidConfig) || strings.Contains(err.Error(), "sk-a") {
			t.Fatalf("%v", err)
		}
	})
}

func TestRequestsThatCannotBeSent(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, completion("?", "stop"))
	})
	m := newModel(t, api.URL())
	for name, req := range map[string]ai.Request{
		"no messages":       {},
		"unknown role":      {Messages: []ai.Message{{Role: "robot", Content: "x"}}},
		"tool without id":   {Messages: []ai.Message{{Role: ai.RoleTool, Content: "x"}}},
		"call without name": {Messages: []ai.Message{{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "c"}}}}},
		"tool without name": {Messages: hello.Messages, Tools: []ai.Tool{{Description: "x"}}},
	} {
		_, err := m.Generate(context.Background(), req)
		if me := modelError(t, err); me.Transient || !errors.Is(err, openai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if api.Hits() != 0 {
		t.Errorf("hits = %d", api.Hits())
	}
}

func TestZeroModelIsAnError(t *testing.T) {
	var m openai.Model
	if _, err := m.Generate(context.Background(), hello); !errors.Is(err, openai.ErrInvalidConfig) {
		t.Errorf("Generate: %v", err)
	}
	if _, err := m.Ping(context.Background()); !errors.Is(err, openai.ErrInvalidConfig) {
		t.Errorf("Ping: %v", err)
	}
}

// A placeholder key of a local server ("x") is not redacted out of every
// message; a real one is.
func TestRedactionOfShortPlaceholderKeys(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, apiError("max_tokens exceeds the context", "invalid_request_error", ""))
	})
	m, err := openai.New("m", "x", openai.WithBaseURL(api.URL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Generate(context.Background(), hello)
	if me := modelError(t, err); me.Message != "max_tokens exceeds the context" {
		t.Errorf("message = %q", me.Message)
	}
}
