package aigentic

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateKeepsUTF8(t *testing.T) {
	s := strings.Repeat("é", 10) // 2 bytes each
	for n := 0; n <= len(s); n++ {
		got := truncate(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("truncate(%d) = %q: invalid UTF-8", n, got)
		}
		if n < len(s) && len(strings.TrimSuffix(got, "…")) > n {
			t.Fatalf("truncate(%d) kept %d bytes", n, len(got))
		}
	}
	if truncate("abc", 5) != "abc" {
		t.Fatal("a short string must be unchanged")
	}
}

// clipText cuts only what is over n bytes, on a rune boundary, and marks
// the cut: text of exactly n bytes comes back whole.
func TestClipText(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abcde", 5, "abcde"},
		{"abcdef", 5, "abcde…"},
		{"ééé", 3, "é…"}, // byte 3 is inside the second é
		{"", 0, ""},
		{"\x80\x80\x80", 2, "…"}, // invalid UTF-8 (a server's bytes): no rune start before n, no panic
	} {
		if got := clipText(tc.s, tc.n); got != tc.want {
			t.Errorf("clipText(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
