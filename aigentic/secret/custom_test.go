package secret

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// A program's own credential format, registered as a pattern, is
// redacted wherever Redact is used — as written and JSON-escaped — and a
// pattern Redact could not pre-check cheaply is refused.
func TestRegisterPattern(t *testing.T) {
	const key = "zzk_abcdefgh_0123456789abcdefghij"
	re := regexp.MustCompile(`zzk_[a-z0-9]{8}_[a-z0-9]{20,}`)
	text := "my key " + key + " fails; as JSON: {\"k\":\"zzk\\u005fabcdefgh_0123456789abcdefghij\"}"
	if got := Redact(text); !strings.Contains(got, key) {
		t.Fatalf("redacted before registration: %q; the test checks nothing", got)
	}
	if err := RegisterPattern(re); err != nil {
		t.Fatal(err)
	}
	if err := RegisterPattern(regexp.MustCompile(re.String())); err != nil || len(*custom.Load()) != 1 {
		t.Fatalf("registering it again: %v, %d patterns", err, len(*custom.Load()))
	}
	got := Redact(text)
	if strings.Contains(got, "abcdefgh_0123456789") || !strings.HasPrefix(got, "my key [REDACTED] fails") {
		t.Fatalf("Redact = %q", got)
	}
	if clean := "zzk_ alone is no key"; Redact(clean) != clean {
		t.Errorf("Redact(%q) = %q", clean, Redact(clean))
	}
	for _, bad := range []*regexp.Regexp{nil, regexp.MustCompile(`[a-z]+_key`), regexp.MustCompile(`ab.*`)} {
		if err := RegisterPattern(bad); !errors.Is(err, ErrPattern) {
			t.Errorf("RegisterPattern(%v) = %v, want ErrPattern", bad, err)
		}
	}
}
