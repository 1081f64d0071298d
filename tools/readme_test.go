package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestREADMEOutputIsReal runs the commands whose output README.md shows
// (offline, with the fixed clock -now gives) and compares each shown
// block with what the program really prints, byte for byte.
func TestREADMEOutputIsReal(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, c := range []struct {
		command string // as README.md writes it
		args    []string
	}{
		{"`go run ./tools -now 2026-03-02T15:04:05Z`", []string{"-now", "2026-03-02T15:04:05Z"}},
		{"`go run ./tools -stream -q \"What is 10 / 0?\"`", []string{"-stream", "-q", "What is 10 / 0?"}},
	} {
		_, after, ok := strings.Cut(readme, c.command)
		if !ok {
			t.Errorf("README.md does not show %s", c.command)
			continue
		}
		_, block, _ := strings.Cut(after, "```\n")
		shown, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Errorf("README.md: no output block after %s", c.command)
			continue
		}
		var out bytes.Buffer
		if err := runWith(t.Context(), c.args, &out, testSys()); err != nil {
			t.Fatalf("%s: %v", c.command, err)
		}
		if got := out.String(); got != shown {
			t.Errorf("README.md shows for %s:\n%s\n--- the program prints:\n%s", c.command, shown, got)
		}
	}
}

// TestAnswerKeepsItsLines: the offline model's answer has three lines;
// they are printed as three indented lines, never as one line with its
// line ends escaped ("\n").
func TestAnswerKeepsItsLines(t *testing.T) {
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-now", "2026-03-02T15:04:05Z"}, &out, testSys()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, `\n`) {
		t.Errorf("the output holds a literal \\n:\n%s", got)
	}
	want := "Answer:\n  Here is what I found:\n  - calculator (expression: \"15 * 23 + 100\"): 15 * 23 + 100 = 445\n  - current_time (timezone: "
	if !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
}
