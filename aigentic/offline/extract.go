package offline

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// strCand is a piece of text found in the request.
type strCand struct {
	val string
	span
}

// numCand is a number found in the request.
type numCand struct {
	val   float64
	isInt bool
	span
}

// quoteCand is a quoted text and the words just before it.
type quoteCand struct {
	val  string
	cues []string // stems of up to three preceding words, nearest first
	span
}

// zoneCand is a place or zone found in the request.
type zoneCand struct {
	iana, display string
	fromTable     bool // found by place name rather than written as a zone
	span
}

// kvCand is a name/value pair found in one part of the request.
type kvCand struct {
	key, value string
	span
}

// concept is a request word with the stems it stands for (its own and its
// synonyms').
type concept struct {
	stems []string
	cap   int // highest weight a match may score; 0: no cap
	multi int // how many words of one tool it may match; 0: one
	span
}

// request is everything the planner reads from the last user message.
type request struct {
	text     string
	free     string // the message without leading politeness
	toks     []token
	segs     []span
	concepts []concept
	numbers  []numCand
	emails   []strCand
	quotes   []quoteCand
	exprs    []exprCand
	zones    []zoneCand
	places   []strCand
	names    []strCand
	kvs      []kvCand
	keys     []strCand
	urls     []strCand
	dates    []strCand
	clocks   []span
}

var (
	emailRe   = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	urlRe     = regexp.MustCompile(`https?://[^\s"'<>()]+`)
	dateRe    = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?\b`)
	clockRe   = regexp.MustCompile(`\b\d{1,2}:\d{2}(?::\d{2})?\b`)
	numRe     = regexp.MustCompile(`\d+(?:\.\d+)?[eE][+-]?\d+\b|\d+(?:,\d{3})*(?:\.\d+)?`)
	quoteRe   = regexp.MustCompile(`"([^"\n]+)"|“([^”\n]+)”|‘([^’\n]+)’|(?:^|[\s(\[:,=])'([^'\n]+)'(?:$|[\s.,;:!?)\]])`)
	placeRe   = regexp.MustCompile(`(?:^|\s)(?:in|for|at|near|from|to)\s+([A-Z][\p{L}'’\-]+(?:\s+[A-Z][\p{L}'’\-]+){0,2})`)
	calledRe  = regexp.MustCompile(`(?i)\b(?:called|named|titled|name\s+is)\s+([\p{L}\p{N}'’\-]+(?:\s+[A-Z][\p{L}'’\-]*){0,2})`)
	recallRe  = regexp.MustCompile(`(?i)\b(?:what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)|whats|do\s+you\s+(?:still\s+)?(?:remember|know|recall)|tell\s+me)\s+(?:my|our)\b`)
	kvLeadRe  = regexp.MustCompile(`(?i)^(?:please\s+)?(?:remember|note|memori[sz]e|save|store|record|keep\s+in\s+mind|don'?t\s+forget)(?:\s+(?:that|this))?\s*[:,]?\s+`)
	kvAsRe    = regexp.MustCompile(`(?i)^(?:please\s+)?(?:save|store|remember|record|note|keep)\s+(.+?)\s+(?:as|under)\s+(.+)$`)
	kvSetRe   = regexp.MustCompile(`(?i)^(?:please\s+)?(?:set|change|update)\s+(.+?)\s+to\s+(.+)$`)
	kvColonRe = regexp.MustCompile(`^([^:=\n]{1,60}?)\s*[:=]\s*(.+)$`)
	kvIsRe    = regexp.MustCompile(`(?i)^(.+?)\s+(?:is|are|was|were|equals)\s+(.+)$`)
	questRe   = regexp.MustCompile(`(?i)^(?:what|what's|whats|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|would|will|should|tell\s+me)\b`)
	keyAskRe  = regexp.MustCompile(`(?i)\b(?:what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)|whats|recall|retrieve|get|fetch|look\s+up|lookup|forget|delete|remove|clear|erase|remember)\s+(?:my|our|the|your)\s+([^?.!,;:\n]+)`)
	myRe      = regexp.MustCompile(`(?i)\bmy\s+([^?.!,;:\n]+)`)
	keyCutRe  = regexp.MustCompile(`(?i)\s+(?:is|are|was|were|and|from|in|to|for|please|again|now)\b.*$`)
)

var (
	monthsAndDays = setOf(`january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday i`)
	// capitalOnlyPlaces are place names that are also common words: they
	// count as places only when written with a capital letter.
	capitalOnlyPlaces = setOf("turkey china chile phoenix austin sydney lima perth wellington mexico georgia jersey reading")
	oneDeterminers    = setOf("the which this that each every any no some")
)

// A question about the user's own details ("what is my ...") hints at a
// tool that recalls what was stored. The hint is weak (recallCap): alone it
// does not make a tool fit, but it may match both a verb and a noun of a
// tool's name (fetch_fact, get_memory), which favours recalling over
// storing.
const recallCap = 2

var recallStems = func() []string {
	var out []string
	for _, w := range strings.Fields("recall get retrieve memory lookup fetch load read remember fact note profile preference") {
		if st := stem(w); !containsStr(out, st) {
			out = append(out, st)
		}
	}
	return out
}()

// maxAnalyzed bounds how much of a message is analysed for planning: a
// request's instructions come first, and this keeps very long inputs (a
// document pasted in, a previous tool's long result) cheap. Free text still
// takes the whole message.
const maxAnalyzed = 8 << 10

// analyze reads the last user message.
func analyze(text string) *request {
	r := &request{text: truncateUTF8(text, maxAnalyzed), free: stripPoliteness(text)}
	text = r.text
	r.toks = tokenize(text)
	for _, m := range quoteRe.FindAllStringSubmatchIndex(text, -1) {
		for g := 1; g <= 4; g++ {
			if m[2*g] >= 0 {
				sp := span{m[2*g], m[2*g+1]}
				val := strings.TrimSpace(text[sp.start:sp.end])
				if val != "" {
					r.quotes = append(r.quotes, quoteCand{val: val, span: sp})
				}
				break
			}
		}
	}
	var quoteSpans []span
	for _, q := range r.quotes {
		quoteSpans = append(quoteSpans, span{q.start - 1, q.end + 1})
	}
	r.segs = segmentsOutside(text, quoteSpans)
	for i := range r.quotes {
		r.quotes[i].cues = r.cuesBefore(r.quotes[i].start)
	}
	for _, l := range emailRe.FindAllStringIndex(text, -1) {
		r.emails = append(r.emails, strCand{text[l[0]:l[1]], span{l[0], l[1]}})
	}
	for _, l := range urlRe.FindAllStringIndex(text, -1) {
		u := strings.TrimRight(text[l[0]:l[1]], ".,;:!?")
		r.urls = append(r.urls, strCand{u, span{l[0], l[0] + len(u)}})
	}
	for _, l := range dateRe.FindAllStringIndex(text, -1) {
		r.dates = append(r.dates, strCand{text[l[0]:l[1]], span{l[0], l[1]}})
	}
	for _, l := range clockRe.FindAllStringIndex(text, -1) {
		r.clocks = append(r.clocks, span{l[0], l[1]})
	}
	r.findZones()
	r.findNumbers()
	r.exprs = findExpressions(text)
	r.findPlaces()
	r.findConcepts(quoteSpans)
	r.findPairs()
	return r
}

// segmentsOutside is segments(text) ignoring boundaries inside quotes.
func segmentsOutside(text string, quotes []span) []span {
	segs := segments(text)
	if len(quotes) == 0 {
		return segs
	}
	var out []span
	for _, s := range segs {
		if n := len(out); n > 0 && overlapsAny(span{out[n-1].end - 1, s.start + 1}, quotes) {
			out[n-1].end = s.end
			continue
		}
		out = append(out, s)
	}
	return out
}

// segmentOf returns the index of the part holding position pos, or -1.
func (r *request) segmentOf(pos int) int {
	for i, s := range r.segs {
		if pos >= s.start && pos < s.end {
			return i
		}
	}
	return -1
}

// cuesBefore returns the stems of up to three words before pos in the same
// part of the request, nearest first.
func (r *request) cuesBefore(pos int) []string {
	seg := r.segmentOf(pos)
	var cues []string
	last := r.tokenAt(pos)
	if last < 0 {
		last = len(r.toks)
	}
	for i := last - 1; i >= 0 && len(cues) < 3; i-- {
		t := r.toks[i]
		if t.end > pos {
			continue
		}
		if seg >= 0 && t.start < r.segs[seg].start {
			break
		}
		cues = append(cues, t.stem)
	}
	return cues
}

// blocked reports whether sp lies inside an e-mail, web address, date or
// clock time, where digits and words are not values of their own.
func (r *request) blocked(sp span) bool {
	for _, list := range [][]strCand{r.emails, r.urls, r.dates} {
		for _, c := range list {
			if c.span.overlaps(sp) {
				return true
			}
		}
	}
	return false
}

func (r *request) findZones() {
	for _, l := range ianaRe.FindAllStringIndex(r.text, -1) {
		v := r.text[l[0]:l[1]]
		r.zones = append(r.zones, zoneCand{iana: v, display: v, span: span{l[0], l[1]}})
	}
	for i := 0; i < len(r.toks); i++ {
		for n := min(zoneMaxWords, len(r.toks)-i); n >= 1; n-- {
			parts := make([]string, n)
			contiguous := true
			for k := 0; k < n; k++ {
				parts[k] = r.toks[i+k].lower
				if k > 0 && strings.TrimSpace(r.text[r.toks[i+k-1].end:r.toks[i+k].start]) != "" {
					contiguous = false
				}
			}
			if !contiguous {
				continue
			}
			phrase := strings.Join(parts, " ")
			e, ok := zoneTable[phrase]
			if !ok {
				continue
			}
			if capitalOnlyPlaces[phrase] && !unicode.IsUpper([]rune(r.toks[i].text)[0]) {
				continue
			}
			sp := span{r.toks[i].start, r.toks[i+n-1].end}
			if r.blocked(sp) || overlapsAnyZone(sp, r.zones) {
				continue
			}
			r.zones = append(r.zones, zoneCand{iana: e.iana, display: e.display, fromTable: true, span: sp})
			i += n - 1
			break
		}
	}
	sortByStart(r.zones, func(z zoneCand) int { return z.start })
}

func overlapsAnyZone(sp span, zs []zoneCand) bool {
	for _, z := range zs {
		if z.span.overlaps(sp) {
			return true
		}
	}
	return false
}

func (r *request) findNumbers() {
	for _, l := range numRe.FindAllStringIndex(r.text, -1) {
		sp := span{l[0], l[1]}
		if r.blocked(sp) || overlapsAny(sp, r.clocks) {
			continue
		}
		if sp.start > 0 {
			prev := rune(r.text[sp.start-1])
			if unicode.IsLetter(prev) || prev == '.' || prev == '_' || prev == '/' {
				continue
			}
			if prev == '-' && (sp.start < 2 || strings.ContainsRune(" (\t\n", rune(r.text[sp.start-2]))) {
				sp.start--
			}
		}
		s := strings.ReplaceAll(r.text[sp.start:sp.end], ",", "")
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			continue
		}
		if math.IsInf(v, 0) {
			continue
		}
		r.numbers = append(r.numbers, numCand{val: v, isInt: !strings.ContainsAny(s, ".eE"), span: sp})
	}
	for i := 0; i < len(r.toks); i++ {
		if !isNumberWord(r.toks[i].lower) {
			continue
		}
		j := i
		for j+1 < len(r.toks) && isNumberWord(r.toks[j+1].lower) &&
			strings.Trim(r.text[r.toks[j].end:r.toks[j+1].start], " -") == "" {
			j++
		}
		var ws []string
		for k := i; k <= j; k++ {
			ws = append(ws, r.toks[k].lower)
		}
		first := ws[0]
		if first == "one" && j == i && i > 0 && oneDeterminers[r.toks[i-1].lower] {
			i = j
			continue
		}
		if v, ok := numberFromWords(ws); ok {
			r.numbers = append(r.numbers, numCand{val: float64(v), isInt: true, span: span{r.toks[i].start, r.toks[j].end}})
		}
		i = j
	}
	sortByStart(r.numbers, func(n numCand) int { return n.start })
}

func (r *request) findPlaces() {
	for _, z := range r.zones {
		if z.fromTable && z.iana != "UTC" {
			r.places = append(r.places, strCand{val: z.display, span: z.span})
		}
	}
	for _, m := range placeRe.FindAllStringSubmatchIndex(r.text, -1) {
		sp := span{m[2], m[3]}
		val := r.text[sp.start:sp.end]
		if monthsAndDays[strings.ToLower(strings.Fields(val)[0])] || r.blocked(sp) || overlapsAnyStr(sp, r.places) {
			continue
		}
		r.places = append(r.places, strCand{val: strings.TrimRight(val, ".'’-"), span: sp})
	}
	sortByStart(r.places, func(c strCand) int { return c.start })
	for _, m := range calledRe.FindAllStringSubmatchIndex(r.text, -1) {
		sp := span{m[2], m[3]}
		r.names = append(r.names, strCand{val: strings.TrimRight(r.text[sp.start:sp.end], ".'’-"), span: sp})
	}
	for i, t := range r.toks {
		if i == 0 || !unicode.IsUpper([]rune(t.text)[0]) || monthsAndDays[t.lower] || overlapsAnyStr(t.span, r.names) {
			continue
		}
		if seg := r.segmentOf(t.start); seg >= 0 && r.segs[seg].start == t.start {
			continue
		}
		if overlapsAnyZone(t.span, r.zones) || r.blocked(t.span) {
			continue
		}
		r.names = append(r.names, strCand{val: t.text, span: t.span})
	}
}

func overlapsAnyStr(sp span, cs []strCand) bool {
	for _, c := range cs {
		if c.span.overlaps(sp) {
			return true
		}
	}
	return false
}

// findConcepts lists the meaningful request words (outside quotes) with
// their synonyms, plus a "recall" concept for questions about what the user
// said before ("what is my ...").
func (r *request) findConcepts(quotes []span) {
	for _, t := range r.toks {
		if stopwords[t.lower] || isNumeric(t.lower) || overlapsAny(t.span, quotes) || r.blocked(t.span) {
			continue
		}
		stems := append([]string{t.stem}, synonyms[t.stem]...)
		if rememberWords[t.stem] && r.inQuestion(t.start) {
			stems = append([]string{t.stem}, recallStems...) // "what do you remember" recalls
		}
		r.concepts = append(r.concepts, concept{stems: stems, span: t.span})
	}
	for _, l := range recallRe.FindAllStringIndex(r.text, -1) {
		r.concepts = append(r.concepts, concept{stems: recallStems, cap: recallCap, multi: 2, span: span{l[0], l[1]}})
	}
	sortByStart(r.concepts, func(c concept) int { return c.start })
}

var rememberWords = stemSet("remember memorize memorise")

// inQuestion reports whether pos lies in a part of the request that asks a
// question: it ends with "?" or opens with a question word.
func (r *request) inQuestion(pos int) bool {
	i := r.segmentOf(pos)
	if i < 0 {
		return false
	}
	sg := r.segs[i]
	seg := r.text[sg.start:sg.end]
	return strings.HasPrefix(strings.TrimLeft(r.text[sg.end:], " \t"), "?") || strings.HasSuffix(seg, "?") ||
		questRe.MatchString(stripPoliteness(seg))
}

// findPairs finds name/value pairs ("remember that my favourite colour is
// blue", "city: Paris", "set volume to 7", "save 42 as the answer") and the
// names a question asks about ("what is my favourite colour?").
func (r *request) findPairs() {
	for _, sg := range r.segs {
		seg := r.text[sg.start:sg.end]
		trimmed := strings.TrimRight(seg, " .!?")
		if !r.inQuestion(sg.start) {
			var key, val string
			if m := kvAsRe.FindStringSubmatch(trimmed); m != nil {
				key, val = m[2], m[1]
			} else if m := kvSetRe.FindStringSubmatch(trimmed); m != nil {
				key, val = m[1], m[2]
			} else {
				rest := trimmed
				if l := kvLeadRe.FindStringIndex(rest); l != nil {
					rest = rest[l[1]:]
				}
				if m := kvColonRe.FindStringSubmatch(rest); m != nil && !strings.Contains(rest, "://") {
					key, val = m[1], m[2]
				} else if m := kvIsRe.FindStringSubmatch(rest); m != nil {
					key, val = m[1], m[2]
				}
			}
			key, val = cleanKey(key), cleanValue(val)
			if key != "" && val != "" {
				r.kvs = append(r.kvs, kvCand{key: key, value: val, span: sg})
				r.keys = append(r.keys, strCand{val: key, span: sg})
				continue
			}
		}
		for _, re := range []*regexp.Regexp{keyAskRe, myRe} {
			if m := re.FindStringSubmatchIndex(seg); m != nil {
				if k := cleanKey(keyCutRe.ReplaceAllString(seg[m[2]:m[3]], "")); k != "" {
					r.keys = append(r.keys, strCand{val: k, span: sg})
					break
				}
			}
		}
	}
}

var keyLeadWords = setOf("my our the your a an that this")

// cleanKey normalises a name: lower case, no leading article or
// possessive, no surrounding punctuation, at most six words.
func cleanKey(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "\"'“”‘’.,;:!?-–— \t")
	words := strings.Fields(strings.ToLower(s))
	for len(words) > 0 && keyLeadWords[words[0]] {
		words = words[1:]
	}
	if len(words) == 0 || len(words) > 6 {
		return ""
	}
	return strings.Join(words, " ")
}

// cleanValue trims a value of surrounding space, quotes and final
// punctuation.
func cleanValue(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ".!?,;")
	s = strings.Trim(s, `"“”‘’`)
	if len(s) > 1 && s[0] == '\'' && s[len(s)-1] == '\'' {
		s = s[1 : len(s)-1]
	}
	return strings.TrimSpace(s)
}

func sortByStart[T any](xs []T, start func(T) int) {
	sort.SliceStable(xs, func(i, j int) bool { return start(xs[i]) < start(xs[j]) })
}

// tokenAt returns the index of the first token ending after pos, or -1.
func (r *request) tokenAt(pos int) int {
	i := sort.Search(len(r.toks), func(i int) bool { return r.toks[i].end > pos })
	if i == len(r.toks) {
		return -1
	}
	return i
}

// truncateUTF8 cuts s to at most n bytes at a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
