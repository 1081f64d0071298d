package cli

import "fmt"

// Mark is the kind of a verdict's line: how Printer.Verdict prints it.
type Mark int

const (
	// Said is a plain line (Printer.Line).
	Said Mark = iota
	// Detail is an indented line (Printer.Say).
	Detail
	// Held is a check that held: "✓ …" in green (Printer.Good).
	Held
	// Failed is a check that did not hold: "✗ …" in red (Printer.Bad).
	Failed
	// NotShown is what could not be shown or checked, said plainly:
	// "– …", dimmed (Printer.NotSeen).
	NotShown
)

// Note is one line of a verdict: its mark and its text, printed as is
// (it is not a format).
type Note struct {
	Mark Mark
	Text string
	// Part names, on a NotShown line, the part of a demo not shown
	// ("3b"); Printer.Verdict then prints "– Part not shown: Text.".
	// Empty on other lines.
	Part string
}

// Verdict is what a demo's checks found: its lines, in order. It is
// computed from what happened and printed by Printer.Verdict, so a test
// can judge the lines without parsing printed output.
type Verdict struct {
	Notes []Note
}

// Add appends a line of mark m, its text fmt.Sprintf(format, args...).
func (v *Verdict) Add(m Mark, format string, args ...any) {
	v.Notes = append(v.Notes, Note{Mark: m, Text: fmt.Sprintf(format, args...)})
}

// Shown reports whether every check held: no line is Failed or NotShown.
func (v Verdict) Shown() bool {
	for _, n := range v.Notes {
		if n.Mark == Failed || n.Mark == NotShown {
			return false
		}
	}
	return true
}

// Failed is the text of the lines that did not hold, in order (nil when
// none).
func (v Verdict) Failed() []string {
	var out []string
	for _, n := range v.Notes {
		if n.Mark == Failed {
			out = append(out, n.Text)
		}
	}
	return out
}

// Verdict prints v's lines in order, each with the Printer method of its
// mark: Said with Line, Detail with Say, Held with Good, Failed with Bad,
// NotShown with NotSeen (with its Part, when set, as "Part not shown:
// Text."). A line of an unknown mark is not printed.
func (p *Printer) Verdict(v Verdict) {
	for _, n := range v.Notes {
		switch n.Mark {
		case Said:
			p.Line("%s", n.Text)
		case Detail:
			p.Say("%s", n.Text)
		case Held:
			p.Good("%s", n.Text)
		case Failed:
			p.Bad("%s", n.Text)
		case NotShown:
			if n.Part != "" {
				p.NotSeen("%s not shown: %s.", n.Part, n.Text)
			} else {
				p.NotSeen("%s", n.Text)
			}
		}
	}
}
