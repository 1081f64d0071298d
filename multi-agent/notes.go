package main

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

//go:embed notes/*.md
var notesFS embed.FS

// note is one of the team's notes: the researcher's knowledge base.
type note struct {
	File  string
	Title string
	Text  string
}

// loadNotes reads the embedded notes: a "# Title" line, then the text.
func loadNotes() ([]note, error) {
	paths, err := fs.Glob(notesFS, "notes/*.md")
	if err != nil {
		return nil, err
	}
	var notes []note
	for _, p := range paths {
		b, err := notesFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		title, text, _ := strings.Cut(string(b), "\n")
		notes = append(notes, note{
			File:  strings.TrimPrefix(p, "notes/"),
			Title: strings.TrimSpace(strings.TrimPrefix(title, "#")),
			Text:  strings.TrimSpace(text),
		})
	}
	return notes, nil
}

// searchInput is the search_notes tool's input.
type searchInput struct {
	Query string `json:"query" description:"Words to look for in the notes, e.g. cancellation sub-agents."`
}

// maxHits is how many notes a search returns at most.
const maxHits = 3

// searchNotesTool is the researcher's own tool: a keyword search over the
// embedded notes. No network, deterministic.
func searchNotesTool(notes []note) aigentic.AgentTool {
	return aigentic.NewTool("search_notes",
		"Search the team's notes by keywords and return the matching notes.",
		func(run *aigentic.AgentRun, in searchInput) (string, error) {
			if err := run.Context().Err(); err != nil {
				return "", err
			}
			hits := searchNotes(notes, in.Query)
			if len(hits) == 0 {
				titles := make([]string, len(notes))
				for i, n := range notes {
					titles[i] = n.Title
				}
				return "", aigentic.Recoverable(fmt.Errorf("no note matches %q; the notes cover: %s", in.Query, strings.Join(titles, ", ")))
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%d note(s) found:", len(hits))
			for _, n := range hits {
				fmt.Fprintf(&b, "\n- %s (%s): %s", n.Title, n.File, n.Text)
			}
			return b.String(), nil
		})
}

// searchNotes ranks notes by how many query terms they contain (a title
// match counts double) and returns the best maxHits, best first.
func searchNotes(notes []note, query string) []note {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil
	}
	type scored struct {
		n     note
		score int
	}
	var hits []scored
	for _, n := range notes {
		title, text := stems(n.Title), stems(n.Text)
		score := 0
		for _, t := range terms {
			if matchesAny(t, title) {
				score += 2
			}
			if matchesAny(t, text) {
				score++
			}
		}
		if score > 0 {
			hits = append(hits, scored{n, score})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	var out []note
	for i := 0; i < len(hits) && i < maxHits; i++ {
		out = append(out, hits[i].n)
	}
	return out
}

var wordRe = regexp.MustCompile(`[a-z0-9]+`)

// ignored are query words that say nothing about which note is wanted.
var ignored = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are about as at be by can do does for from how in into is it of on or our
		say says said tell the their them then this to us we what when which who why with your
		note notes research researcher find search look write writer short summary summarize team please`) {
		ignored[w] = true
	}
}

// queryTerms are the stems of the meaningful words of a query.
func queryTerms(q string) []string {
	var terms []string
	for _, w := range wordRe.FindAllString(strings.ToLower(q), -1) {
		if !ignored[w] {
			terms = append(terms, stem(w))
		}
	}
	return terms
}

func stems(s string) []string {
	words := wordRe.FindAllString(strings.ToLower(s), -1)
	for i, w := range words {
		words[i] = stem(w)
	}
	return words
}

// stem strips a few English endings: retries→retry, agents→agent,
// cancelled→cancell (which then meets cancel by prefix).
func stem(w string) string {
	for _, s := range []struct{ suffix, repl string }{
		{"ations", ""}, {"ation", ""}, {"ies", "y"}, {"ing", ""}, {"ed", ""}, {"es", ""}, {"s", ""},
	} {
		if strings.HasSuffix(w, s.suffix) && len(w)-len(s.suffix) >= 3 {
			return w[:len(w)-len(s.suffix)] + s.repl
		}
	}
	return w
}

// matchesAny reports whether term meets one of words: equal, or one a
// prefix of the other when the shorter has 4 letters or more.
func matchesAny(term string, words []string) bool {
	for _, w := range words {
		if w == term {
			return true
		}
		short, long := term, w
		if len(short) > len(long) {
			short, long = long, short
		}
		if len(short) >= 4 && strings.HasPrefix(long, short) {
			return true
		}
	}
	return false
}
