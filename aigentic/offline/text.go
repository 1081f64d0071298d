package offline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a half-open byte range [start, end) of the request text.
type span struct{ start, end int }

func (s span) overlaps(o span) bool { return s.start < o.end && o.start < s.end }

// overlapsAny reports whether s overlaps one of spans.
func overlapsAny(s span, spans []span) bool {
	for _, o := range spans {
		if s.overlaps(o) {
			return true
		}
	}
	return false
}

// token is one word of a text.
type token struct {
	text  string // as written
	lower string // lower case, curly apostrophes made straight
	stem  string // light stem of lower
	span
}

// tokenize splits s into words — runs of letters and digits, with inner
// apostrophes followed by letters ("what's", "dog’s") — keeping their byte
// positions.
func tokenize(s string) []token {
	var toks []token
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWord(r) {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWord(r) {
				i += n
				continue
			}
			if r == '\'' || r == '’' {
				if next, m := utf8.DecodeRuneInString(s[i+n:]); i+n < len(s) && unicode.IsLetter(next) {
					i += n + m
					continue
				}
			}
			break
		}
		t := s[start:i]
		lw := strings.ToLower(t)
		if strings.Contains(lw, "’") {
			lw = strings.ReplaceAll(lw, "’", "'")
		}
		toks = append(toks, token{text: t, lower: lw, stem: stem(lw), span: span{start, i}})
	}
	return toks
}

// splitIdent splits an identifier such as "get_current_time",
// "sendEmail" or "HTTPStatus-code" into lower-case words.
func splitIdent(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				flush()
			}
			cur = append(cur, unicode.ToLower(r))
		case unicode.IsDigit(r):
			if i > 0 && unicode.IsLetter(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			if i > 0 && unicode.IsDigit(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// stemExceptions are words the suffix rules would damage or conflate.
var stemExceptions = map[string]string{
	"times": "times", "news": "news", "always": "always", "series": "series",
	"species": "species", "this": "this", "its": "its", "was": "was", "has": "has",
	"does": "does", "analysis": "analysis", "status": "status", "yes": "yes",
	"maths": "math", "email": "email", "emails": "email", "e-mail": "email",
	"less": "less", "unless": "unless", "bus": "bus", "gas": "gas",
}

// stem is a small suffix-stripping stemmer, good enough to make
// "multiplied"/"multiply", "emails"/"email", "researcher"/"research",
// "writer"/"write" and "calculator"/"calculate" meet. It only touches
// plain ASCII words longer than three letters.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	if e, ok := stemExceptions[w]; ok {
		return e
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "eed"):
	case strings.HasSuffix(w, "ed") && len(w)-2 >= 3:
		w = restoreE(w[:len(w)-2])
	case strings.HasSuffix(w, "ing") && len(w)-3 >= 3:
		w = restoreE(w[:len(w)-3])
	}
	for _, suf := range derivSuffixes {
		if strings.HasSuffix(w, suf.s) && len(w)-len(suf.s) >= suf.min {
			w = w[:len(w)-len(suf.s)]
			break
		}
	}
	if strings.HasSuffix(w, "e") && len(w)-1 >= 3 {
		w = w[:len(w)-1]
	}
	return w
}

var derivSuffixes = []struct {
	s   string
	min int
}{{"ation", 3}, {"ator", 3}, {"ate", 3}, {"ion", 4}, {"er", 4}, {"ly", 4}}

// restoreE undoes what dropping "ed"/"ing" did to a word: "calculat" gets
// its "e" back, "stopp" loses a doubled consonant.
func restoreE(w string) string {
	if strings.HasSuffix(w, "at") || strings.HasSuffix(w, "bl") || strings.HasSuffix(w, "iz") {
		return w + "e"
	}
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouylsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopwords are words that carry no meaning for tool choice.
var stopwords = setOf(`a an the and or but if then else of to in on at by for from with without into onto
about as is am are was were be been being it its it's this that these those there here
i me my mine we us our you your yours he him his she her they them their
what what's whats which who whom whose when where why how
do does did done can could would should will shall may might must
please kindly also just some any all each every no not yes ok okay so very much many
hi hello hey thanks thank let let's give tell show like want need know
up down out over again too than more most other such only own same`)

// weakToolWords are words of tool names that say little about what a tool
// does; they count less than other words when a tool is scored.
var weakToolWords = stemSet(`get set do make run use call fetch give show tell check tool tools function
api agent helper service handle process perform execute list create update new data info information
result results value values input output task`)

// synonyms maps a request word's stem to related stems a tool may be named
// or described with. It is a general table — not tied to any example.
var synonyms = map[string][]string{}

func init() {
	groups := []struct{ from, to string }{
		{"remember memorize memorise memory", "save store memory remember note record fact"},
		{"save store record keep", "save store memory record remember"},
		{"recall retrieve", "get retrieve recall memory lookup fetch load read fact note"},
		{"forget erase", "clear delete remove erase forget memory"},
		{"delete remove clear", "delete remove clear erase"},
		{"time clock hour", "time clock now"},
		{"date today calendar", "date calendar today"},
		{`calculate calculation arithmetic math maths mathematics sum plus minus times multiply multiplied
multiplication divide divided division subtract subtraction addition squared percent percentage sqrt
equation formula quotient`,
			"calculator calculate compute arithmetic math expression evaluate formula equation"},
		{"plus sum addition total", "add sum"},
		{"minus subtract subtraction difference", "subtract difference"},
		{"times multiply multiplied multiplication product", "multiply product"},
		{"divide divided division quotient", "divide quotient"},
		{"email mail emails", "email mail message send"},
		{"weather forecast temperature rain sunny snow wind humidity", "weather forecast temperature"},
		{"search find look lookup google browse", "search find lookup query web"},
		{"research investigate study", "research search investigate find"},
		{"write draft compose", "write draft compose text"},
		{"summarize summarise summary tldr", "summarize summary"},
		{"translate translation", "translate translation language"},
		{"convert conversion", "convert conversion"},
		{"news headline headlines", "news headline"},
		{"schedule meeting appointment remind reminder", "calendar schedule event meeting reminder"},
		{"file files document documents folder directory", "file document folder directory"},
		{"greet greeting welcome", "greet greeting hello welcome"},
	}
	for _, g := range groups {
		to := strings.Fields(g.to)
		for _, f := range strings.Fields(g.from) {
			k := stem(f)
			for _, t := range to {
				st := stem(t)
				if st != k && !containsStr(synonyms[k], st) {
					synonyms[k] = append(synonyms[k], st)
				}
			}
		}
	}
}

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func stemSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[stem(w)] = true
	}
	return m
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isNumeric reports whether a word is made of digits only.
func isNumeric(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// segmentRe finds the boundaries between the parts of a request: sentence
// ends, new lines, and joiners such as ", then", "also", ", and",
// "and what ...". Group 1, when present, is the first word of the next part
// (kept in that part).
var segmentRe = regexp.MustCompile(`(?i)[.!?;]+(?:\s+|$)|\n+|,?\s+(?:and\s+)?then\s+|,?\s*\balso\b,?\s*|,\s+and\s+|\s+after\s+that\b,?\s*|\s+as\s+well\s+as\s+|\s+and\s+(what|what's|whats|how|when|where|who|which|tell|please|can|could|would|will|is|are|do|does|also|i|i'm|my|we|our)\b`)

// segments splits text into the byte ranges of its parts.
func segments(text string) []span {
	var segs []span
	start := 0
	for _, m := range segmentRe.FindAllStringSubmatchIndex(text, -1) {
		end, next := m[0], m[1]
		if m[2] >= 0 {
			next = m[2]
		}
		if s := trimSpan(text, span{start, end}); s.end > s.start {
			segs = append(segs, s)
		}
		start = next
	}
	if s := trimSpan(text, span{start, len(text)}); s.end > s.start {
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		segs = append(segs, span{0, len(text)})
	}
	return segs
}

// trimSpan narrows s to exclude surrounding white space and commas.
func trimSpan(text string, s span) span {
	for s.start < s.end && strings.ContainsRune(" \t\r\n,", rune(text[s.start])) {
		s.start++
	}
	for s.end > s.start && strings.ContainsRune(" \t\r\n,", rune(text[s.end-1])) {
		s.end--
	}
	return s
}

var (
	politeLeadRe = regexp.MustCompile(`(?i)^(?:\s*(?:hi|hello|hey|dear\s+\w+|ok|okay|so|please|kindly|could\s+you|can\s+you|would\s+you|will\s+you|i(?:'d|’d|\s+would)\s+like\s+you\s+to|i\s+want\s+you\s+to|i\s+need\s+you\s+to|go\s+ahead\s+and)\b[\s,!.:]*)+`)
	politeTailRe = regexp.MustCompile(`(?i)[\s,]*(?:please|thanks|thank\s+you|thx)[.!]*\s*$`)
)

// stripPoliteness removes leading greetings and requests such as
// "Hi, could you please" and a trailing "please"/"thanks".
func stripPoliteness(s string) string {
	s = strings.TrimSpace(s)
	out := politeLeadRe.ReplaceAllString(s, "")
	out = politeTailRe.ReplaceAllString(out, "")
	out = strings.TrimSpace(out)
	if out == "" {
		return s
	}
	r := []rune(out)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// cutWords truncates s to at most n runes, at a word boundary, adding "…".
func cutWords(s string, n int) string {
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexAny(cut, " \n\t"); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}
