package offline

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// offlineNote ends answers written without tools. Its opening words also
// let phrase extraction skip it when an answer is fed back as input.
const offlineNote = "Note: I am the built-in offline model. I can restate and organise what is in this conversation, but I have no outside knowledge, so I have not added any facts."

// outcome is the latest result of one distinct call.
type outcome struct {
	name     string
	args     string
	result   *ai.Message
	attempts int
}

// outcomes lists the distinct calls made since the user message, each with
// its latest result, in the order they were first made, then the results
// no call explains.
func (c *conv) outcomes() []*outcome {
	var out []*outcome
	byKey := map[string]*outcome{}
	for _, rec := range c.calls {
		k := callKey(rec.call)
		o, ok := byKey[k]
		if !ok {
			o = &outcome{name: rec.call.Name, args: rec.call.Arguments}
			byKey[k] = o
			out = append(out, o)
		}
		o.attempts++
		if rec.result != nil {
			o.result = rec.result
		}
	}
	for i := range c.orphans {
		m := c.orphans[i]
		name := m.Name
		if name == "" {
			name = "unnamed"
		}
		out = append(out, &outcome{name: name, result: &m, attempts: 1})
	}
	return out
}

// finalAnswer writes the answer from this turn's tool results: failures
// first, quoting their messages, then what succeeded, with every result's
// text verbatim.
func (c *conv) finalAnswer() string {
	var failed, pending, silent, ok []*outcome
	for _, o := range c.outcomes() {
		switch {
		case o.result == nil:
			silent = append(silent, o)
		case o.result.IsError:
			failed = append(failed, o)
		case asksToWait(o.result):
			pending = append(pending, o)
		default:
			ok = append(ok, o)
		}
	}
	var b strings.Builder
	for _, o := range failed {
		fmt.Fprintf(&b, "The %s tool failed: %s\n", o.name, quoteText(o.result.Content))
	}
	for _, o := range pending {
		fmt.Fprintf(&b, "The %s tool had still not finished after %d %s; its last reply was: %s\n",
			o.name, o.attempts, plural(o.attempts, "attempt", "attempts"), quoteText(o.result.Content))
	}
	for _, o := range silent {
		fmt.Fprintf(&b, "I called the %s tool but received no result from it.\n", o.name)
	}
	problems := b.Len() > 0
	switch {
	case len(ok) == 0 && problems:
		b.WriteString("\nNo tool gave me a usable result, so I cannot answer your request reliably.")
	case len(ok) == 0:
		b.WriteString("I have no tool results to answer from.")
	case len(ok) == 1 && !problems:
		o := ok[0]
		text := strings.TrimSpace(o.result.Content)
		with := ""
		if d := describeArgs(o.args); d != "" {
			with = " (" + d + ")"
		}
		if text == "" {
			fmt.Fprintf(&b, "The %s tool%s completed but returned no text.", o.name, with)
		} else if strings.Contains(text, "\n") {
			fmt.Fprintf(&b, "Here is the result from the %s tool%s:\n\n%s", o.name, with, text)
		} else {
			fmt.Fprintf(&b, "The %s tool%s returned: %s", o.name, with, text)
		}
	default:
		if problems {
			b.WriteString("\nHere is what did succeed:\n")
		} else {
			b.WriteString("Here is what I found:\n")
		}
		for _, o := range ok {
			text := strings.TrimSpace(o.result.Content)
			with := ""
			if d := describeArgs(o.args); d != "" {
				with = " (" + d + ")"
			}
			switch {
			case text == "":
				fmt.Fprintf(&b, "- %s%s: (no text returned)\n", o.name, with)
			case strings.Contains(text, "\n"):
				fmt.Fprintf(&b, "- %s%s:\n  %s\n", o.name, with, strings.ReplaceAll(text, "\n", "\n  "))
			default:
				fmt.Fprintf(&b, "- %s%s: %s\n", o.name, with, text)
			}
		}
	}
	return strings.TrimSpace(b.String())
}

func quoteText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(no message)"
	}
	return "\"" + s + "\""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

var (
	roleRe       = regexp.MustCompile(`(?i)\b(?:you\s+are|act\s+as|acting\s+as|your\s+role\s+is(?:\s+to\s+be)?)\s+((?:an?|the)\s+)?([^.\n!;:,()]+)`)
	roleCutRe    = regexp.MustCompile(`(?i)\s+(?:who|that|which|and|with|whose|for|to|in|on|at)\b.*$`)
	greetingOnly = setOf("hi hello hey hiya howdy yo greetings good morning afternoon evening thanks thank you cheers there")
	greetingLead = setOf("hi hello hey hiya howdy greetings dear thanks cheers")
	phraseSplit  = regexp.MustCompile(`(?i)[\n.!?;:,()\[\]"“”]+|\s+(?:and|or|but|then|also|about|regarding|including|such\s+as|with|without|because|so\s+that|while|using|based\s+on)\s+|\s+[-–—•*]\s+|^\s*[-–—•*]\s+`)
	// ownLineRe matches the lines this package writes around an answer,
	// so that an answer fed back as input is not read as content.
	ownLineRe = regexp.MustCompile(`(?i)^(?:note:\s+i am the built-in offline model|task:|key points:|from the material provided:|result from\s|here is (?:the result from|what (?:i found|did succeed))|(?:as\s+[^,\n]{1,80},\s+)?here is my response to your request)`)
)

// role reads the role the system instructions give ("You are a careful
// research assistant who ..." → "a careful research assistant").
func role(system string) string {
	m := roleRe.FindStringSubmatch(system)
	if m == nil {
		return ""
	}
	r := strings.TrimSpace(roleCutRe.ReplaceAllString(m[2], ""))
	words := strings.Fields(r)
	if len(words) == 0 || len(words) > 8 {
		return ""
	}
	if m[1] == "" && !unicode.IsUpper([]rune(words[0])[0]) {
		return "" // "you are terse" gives a manner, not a role; "You are Ada" is a name
	}
	return strings.TrimSpace(strings.ToLower(m[1]) + strings.Join(words, " "))
}

// conversationAnswer answers without tools, from the conversation alone:
// it never adds facts it was not given.
func (c *conv) conversationAnswer(p *planner) string {
	rl := role(c.system)
	free := strings.TrimSpace(p.r.free)
	intro := "I"
	if rl != "" {
		intro = "As " + rl + ", I"
	}
	if p.only != nil {
		var needs []string
		for _, pr := range p.only.missing {
			n := pr.name
			if pr.desc != "" {
				n += " (" + strings.TrimRight(pr.desc, ".") + ")"
			}
			needs = append(needs, n)
		}
		return fmt.Sprintf("%s could use the %s tool for this, but I could not find the %s it needs in your message: %s. Could you tell me?",
			intro, p.only.ti.tool.Name, plural(len(needs), "value", "values"), strings.Join(needs, "; "))
	}
	if free == "" {
		if rl != "" {
			return "As " + rl + ", I am ready to help. What would you like me to do?"
		}
		return "I did not receive a question or a task. What would you like me to do?"
	}
	if ans := c.recallFromConversation(p.r); ans != "" {
		return ans
	}
	if isGreeting(p.r) {
		who := "the built-in offline model"
		if rl != "" {
			who = rl
		}
		return "Hello! I am " + who + ". How can I help you today?"
	}
	task, material := splitTask(free)
	var b strings.Builder
	if rl != "" {
		fmt.Fprintf(&b, "As %s, here is my response to your request.\n\n", rl)
	} else {
		b.WriteString("Here is my response to your request.\n\n")
	}
	fmt.Fprintf(&b, "Task: %s\n\n", cutWords(strings.Join(strings.Fields(task), " "), 300))
	seen := map[string]bool{}
	if phrases := keyPhrases(task, seen); len(phrases) > 0 {
		b.WriteString("Key points:\n")
		for _, ph := range phrases {
			fmt.Fprintf(&b, "- %s\n", ph)
		}
		b.WriteString("\n")
	}
	if items := materialItems(material, seen); len(items) > 0 {
		b.WriteString("From the material provided:\n")
		for _, it := range items {
			fmt.Fprintf(&b, "- %s\n", it)
		}
		b.WriteString("\n")
	}
	b.WriteString(offlineNote)
	return b.String()
}

// splitTask separates the request itself — its leading lines up to a blank
// line or a list — from the material that comes with it (facts, another
// tool's result).
func splitTask(text string) (task, material string) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if i > 0 && (t == "" || bulletRe.MatchString(t)) {
			return strings.TrimSpace(strings.Join(lines[:i], "\n")), strings.Join(lines[i:], "\n")
		}
	}
	return strings.TrimSpace(text), ""
}

var bulletRe = regexp.MustCompile(`^(?:[-*•–—]|\d{1,2}[.)])\s+`)

// materialItems lists the lines of material as short verbatim items: each
// line's first sentence or two, without list markers, headings or this
// package's own framing lines.
func materialItems(material string, seen map[string]bool) []string {
	var out []string
	for _, line := range strings.Split(material, "\n") {
		t := strings.TrimSpace(bulletRe.ReplaceAllString(strings.TrimSpace(line), ""))
		if t == "" || strings.HasSuffix(t, ":") || ownLineRe.MatchString(t) {
			continue
		}
		t = cutWords(t, 240)
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
		if len(out) == 10 {
			break
		}
	}
	return out
}

// recallFromConversation answers "what is my X?" from an earlier user
// message that said "my X is Y".
func (c *conv) recallFromConversation(r *request) string {
	if len(r.keys) == 0 || len(r.kvs) > 0 || len(c.earlierUser) == 0 {
		return ""
	}
	want := r.keys[0].val
	for i := len(c.earlierUser) - 1; i >= 0; i-- {
		for _, kv := range analyze(c.earlierUser[i]).kvs {
			if kv.key == want {
				return fmt.Sprintf("You told me earlier that your %s is %s.", kv.key, kv.value)
			}
		}
	}
	return ""
}

func isGreeting(r *request) bool {
	if len(r.toks) == 0 || len(r.toks) > 6 {
		return false
	}
	for _, t := range r.toks {
		if !greetingOnly[t.lower] {
			return false
		}
	}
	return true
}

// keyPhrases splits a text into its short key phrases: clauses and
// noun groups with their leading and trailing small words removed. seen
// collects the phrases (lower case) to avoid repeats.
func keyPhrases(text string, seen map[string]bool) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimLeft(strings.TrimSpace(line), "-•* ")
		if trimmed == "" || ownLineRe.MatchString(trimmed) {
			continue
		}
		for _, chunk := range phraseSplit.Split(line, -1) {
			toks := tokenize(chunk)
			i, j := 0, len(toks)
			for i < j && (stopwords[toks[i].lower] || greetingLead[toks[i].lower]) {
				i++
			}
			for j > i && stopwords[toks[j-1].lower] {
				j--
			}
			if i >= j || (j-i == 1 && len([]rune(toks[i].text)) < 2) {
				continue
			}
			ph := chunk[toks[i].start:toks[j-1].end]
			if j-i > 12 {
				ph = chunk[toks[i].start:toks[i+11].end] + "…"
			}
			key := strings.ToLower(ph)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, capitalize(ph))
			if len(out) == 8 {
				return out
			}
		}
	}
	return out
}
