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
