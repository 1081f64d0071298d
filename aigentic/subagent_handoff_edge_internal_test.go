package aigentic

import (
	"fmt"
	"strings"
	"testing"
)

// The handoff's list of calls is cut only once it has passed 5 KiB: a list
// that reaches exactly 5 KiB with a call still goes on to the next call,
// and is cut after it.
func TestHandoffCutsOnlyPastFiveKiB(t *testing.T) {
	const limit = 5 << 10
	handoffOf := func(n int) string {
		return handoff("researcher", &LimitError{Exceeded: LimitMaxLLMCalls, Limit: 20, Calls: 20, Transcript: transcriptOf(n, 500)})
	}
	// k calls of 500 bytes each, then one more sized to end the list at
	// exactly 5 KiB (its result at most 600 bytes, so not clipped).
	for k := 1; k < 12; k++ {
		before := handoffOf(k)
		line := len(fmt.Sprintf("\n- lookup {\"n\":%d}: returned: r%d ", k, k))
		m := limit - len(before) - line
		if m < 0 || m+len(fmt.Sprintf("r%d ", k)) > 600 {
			continue
		}
		msgs := transcriptOf(k+2, 500)
		msgs[2*k+2].Content = fmt.Sprintf("r%d ", k) + strings.Repeat("x", m)
		got := handoff("researcher", &LimitError{Exceeded: LimitMaxLLMCalls, Limit: 20, Calls: 20, Transcript: msgs})
		at := strings.Index(got, fmt.Sprintf("\n- lookup {\"n\":%d}", k+1))
		if at < 0 {
			t.Fatalf("the call after the list reached exactly 5 KiB is missing:\n…%s", got[max(len(got)-300, 0):])
		}
		if at != limit {
			t.Fatalf("the list before the last call is %d bytes, want exactly %d (the test's arithmetic)", at, limit)
		}
		if !strings.HasSuffix(got, "\n- … (more calls not shown)") {
			t.Fatalf("past 5 KiB the list is not cut:\n…%s", got[max(len(got)-300, 0):])
		}
		return
	}
	t.Fatal("no transcript of 500-byte results ends the list at exactly 5 KiB")
}
