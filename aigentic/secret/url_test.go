package secret_test

import (
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

func TestURLHidesCredentials(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                  "",
		"http://localhost:11434/v1":         "http://localhost:11434/v1",
		"https://user:pa55@host/v1":         "https://user:***@host/v1",
		"https://TOKEN@host/v1":             "https://***@host/v1",
		"https://host/v1?api-key=sk-1#frag": "https://host/v1?api-key=***#***",
		"user:pa55@host/v1":                 "***@host/v1",
		"http://[bad/v1?key=sk-2":           "http://[bad/v1?***",
	} {
		if got := secret.URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}
