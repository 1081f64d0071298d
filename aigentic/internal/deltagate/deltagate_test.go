package deltagate_test

import (
	"slices"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/deltagate"
)

func TestGatePassesUntilClosed(t *testing.T) {
	var got []string
	g, send := deltagate.Wrap(func(s string) { got = append(got, s) })
	send("a")
	g.Close()
	send("b")
	if !slices.Equal(got, []string{"a"}) {
		t.Fatalf("passed %q, want only what came before Close", got)
	}
	if g, send := deltagate.Wrap(nil); g != nil || send != nil {
		t.Fatal("a nil OnDelta needs no gate")
	}
	var none *deltagate.Gate
	none.Close() // a nil gate is a no-op
}
