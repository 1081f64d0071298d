package aigentic

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// The run's handler redacts first and caps after, so a secret on the cut
// is removed whole; the marker says how many bytes were cut; a value
// printed from a non-string attribute is redacted too.
func TestRunHandlerRedactsThenCaps(t *testing.T) {
	const key = "handlerKeyNoPrefix-42"
	secret.Register(key)
	var buf bytes.Buffer
	logger := slog.New(&runHandler{level: slog.LevelDebug, next: slog.NewJSONHandler(&buf, nil)})

	value := strings.Repeat("a", DefaultLogValueLimit-10) + key + strings.Repeat("b", 100)
	logger.Info("m", "v", value, "any", struct{ Token string }{key})
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	got := rec["v"].(string)
	if strings.Contains(got, key[:8]) {
		t.Fatalf("the start of a key on the cut was logged: …%s", got[len(got)-60:])
	}
	redacted := strings.Repeat("a", DefaultLogValueLimit-10) + secret.Placeholder + strings.Repeat("b", 100)
	want := redacted[:DefaultLogValueLimit] + "…[truncated 100 bytes]"
	if got != want {
		t.Fatalf("v = …%q, want …%q", got[len(got)-40:], want[len(want)-40:])
	}
	if a := rec["any"].(string); strings.Contains(a, key) || !strings.Contains(a, secret.Placeholder) {
		t.Fatalf("any = %q", a)
	}
}
