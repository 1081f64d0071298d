package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEMatchesTheCode keeps README.md true to the code: every
// demo's pattern file and Example file linked, the number of Examples,
// the lines per demo (`wc -l`) and the length of the offline run.
func TestREADMEMatchesTheCode(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	files, err := filepath.Glob("ex[0-9]_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo files: %v", err)
	}
	lines := map[int][2]int{} // demo → pattern, printing and checks
	examples := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(string(body), "\n")
		demo := int(f[2] - '0')
		switch {
		case strings.HasSuffix(f, "_example_test.go"):
			examples += strings.Count(string(body), "\nfunc Example")
			if !strings.Contains(readme, "]("+f+")") {
				t.Errorf("README does not link %s", f)
			}
		case strings.HasSuffix(f, "_show.go"):
			l := lines[demo]
			l[1] += n
			lines[demo] = l
		case !strings.HasSuffix(f, "_test.go"):
			l := lines[demo]
			l[0] += n
			lines[demo] = l
			if !strings.Contains(readme, "]("+f+")") {
				t.Errorf("README does not link %s", f)
			}
		}
	}

	_, figures, ok := strings.Cut(readme, "Lines per demo, pattern / printing and checks: ")
	if !ok {
		t.Fatal(`README has no "Lines per demo" figures`)
	}
	figures, _, _ = strings.Cut(figures, "\n")
	for _, m := range regexp.MustCompile(`\b(\d): (\d+) / (\d+)`).FindAllStringSubmatch(figures, -1) {
		demo, _ := strconv.Atoi(m[1])
		if got := fmt.Sprintf("%d / %d", lines[demo][0], lines[demo][1]); got != m[2]+" / "+m[3] {
			t.Errorf("README: demo %d has %s / %s lines; wc -l: %s", demo, m[2], m[3], got)
		}
		delete(lines, demo)
	}
	for demo := range lines {
		t.Errorf("README gives no line figures for demo %d", demo)
	}

	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
	if examples >= len(words) || !strings.Contains(readme, "The "+words[examples]+" `Example` functions") {
		t.Errorf("README does not say there are %d Example functions", examples)
	}

	m := regexp.MustCompile(`the whole run is (\d+) lines`).FindStringSubmatch(readme)
	r := runTest(t, nil, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if got := strings.Count(r.out, "\n"); m == nil || m[1] != strconv.Itoa(got) {
		t.Errorf("README: %v; the offline run is %d lines", m, got)
	}
}
