package cli

import (
	"bytes"
	"slices"
	"testing"
)

// TestVerdictPrintsEachMark prints one line of every mark, with an
// Indent, and checks each came out with its own sign and indent; a text
// holding a verb (%d) is printed as is, not as a format.
func TestVerdictPrintsEachMark(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, func(string) string { return "1" })
	p.Indent = "> "
	var v Verdict
	v.Add(Said, "plain %d", 1)
	v.Add(Detail, "detail")
	v.Add(Held, "held")
	v.Add(Failed, "failed 100%%d")
	v.Add(NotShown, "not shown")
	v.Notes = append(v.Notes, Note{Mark: NotShown, Part: "3b", Text: "the model did not"})
	p.Verdict(v)
	want := "plain 1\n> detail\n> ✓ held\n> ✗ failed 100%d\n> – not shown\n> – 3b not shown: the model did not.\n"
	if out.String() != want {
		t.Fatalf("printed\n%q\nwant\n%q", out.String(), want)
	}
}

// TestVerdictShownAndFailed checks that a Failed or a NotShown line stops
// a verdict being shown, and that Failed lists only the Failed lines.
func TestVerdictShownAndFailed(t *testing.T) {
	var v Verdict
	v.Add(Said, "a")
	v.Add(Detail, "b")
	v.Add(Held, "c")
	if !v.Shown() || v.Failed() != nil {
		t.Fatalf("all held: Shown %v, Failed %q", v.Shown(), v.Failed())
	}
	nv := v
	nv.Notes = slices.Clone(v.Notes)
	nv.Add(NotShown, "d")
	if nv.Shown() || nv.Failed() != nil {
		t.Fatalf("a NotShown line: Shown %v, Failed %q", nv.Shown(), nv.Failed())
	}
	v.Add(Failed, "e %d", 1)
	v.Add(Held, "f")
	v.Add(Failed, "g")
	if v.Shown() || !slices.Equal(v.Failed(), []string{"e 1", "g"}) {
		t.Fatalf("Failed lines: Shown %v, Failed %q", v.Shown(), v.Failed())
	}
}
