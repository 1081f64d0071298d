package aigentic

import (
	"strings"
	"testing"
)

// A schema name keeps a-z, A-Z, 0-9, _ and - (OpenAI's rule for
// response_format names) and turns any other byte into _.
func TestSchemaNameFrom(t *testing.T) {
	for in, want := range map[string]string{
		"azAZ09_-": "azAZ09_-", "a": "a", "z": "z", "A": "A", "Z": "Z", "0": "0", "9": "9",
		"pkg.Type[int]": "pkg_Type_int_", "`{@[/:": "______",
	} {
		if got := schemaNameFrom(in); got != want {
			t.Errorf("schemaNameFrom(%q) = %q, want %q", in, got, want)
		}
	}
}

// A reason is clipped past maxReason bytes, at a rune boundary; one of
// exactly maxReason bytes is kept whole.
func TestClipReason(t *testing.T) {
	exact := strings.Repeat("a", maxReason)
	if got := clipReason(exact); got != exact {
		t.Errorf("a reason of exactly %d bytes was changed: %d bytes", maxReason, len(got))
	}
	// A model's text that is not UTF-8 has no boundary to cut at: cut
	// before all of it, never before the start.
	if got := clipReason(strings.Repeat("\x80", maxReason+10)); got != "…" {
		t.Errorf("clipReason of continuation bytes = %q, want …", got)
	}
	long := strings.Repeat("a", maxReason-1) + "é" // é's second byte is past the limit
	if got := clipReason(long); got != strings.Repeat("a", maxReason-1)+"…" {
		t.Errorf("clipReason cut inside a rune or not at all: %q", got[len(got)-8:])
	}
}
