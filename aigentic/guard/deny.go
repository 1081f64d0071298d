package guard

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// Deny is a guard that trips when any of patterns matches the text: a
// deny-list for an answer that must never carry something (an internal
// host's URL, a ticket system's IDs, a competitor's name). what says what
// was found, for the reason ("an internal URL"); the match itself is kept
// out of it, as it may be what must not leak. Go's regexp (RE2) runs in
// time linear in the text.
//
// A host is a link with or without its scheme ("billing.acme.internal/x"
// is as much a link to a reader, or a model, as "https://…"):
//
//	internal := regexp.MustCompile(`(?i)\b(?:https?://)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|corp)\b[^\s"'<>)]*`)
//	guards.Output = append(guards.Output, guard.Deny("internal_url", "an internal URL", internal))
func Deny(name, what string, patterns ...*regexp.Regexp) Guard {
	return Guard{Name: name, Check: func(_ context.Context, s Subject) (Verdict, error) {
		for _, re := range patterns {
			if re.MatchString(s.Text) {
				return Trip(what + " (" + string(s.Point) + " refused)"), nil
			}
		}
		return Pass(), nil
	}}
}

// Replace is a guard that rewrites every match of patterns to
// replacement (regexp's ReplaceAllString: $1 expands): for what may be
// shown once changed ("[internal link removed]").
func Replace(name, replacement string, patterns ...*regexp.Regexp) Guard {
	return Guard{Name: name, Check: func(_ context.Context, s Subject) (Verdict, error) {
		text, n := s.Text, 0
		for _, re := range patterns {
			n += len(re.FindAllStringIndex(text, -1))
			text = re.ReplaceAllString(text, replacement)
		}
		if n == 0 {
			return Pass(), nil
		}
		return Rewrite(text, strconv.Itoa(n)+" match(es) replaced"), nil
	}}
}

// Injection is a tool-result guard that trips on an untrusted result
// (ai.ToolResult.Untrusted: a web page, an e-mail, an MCP server's answer)
// in which InjectionRules finds a sign of prompt injection: the markup
// the runtime's delimiters neutralise (an attempt to close them, a chat
// template's tokens) or a known phrasing of instructions aimed at the
// model. The reason names the rules found, not the text. Results the
// program trusts pass unread; to scan every result, use InjectionAll.
func Injection() Guard { return injection("injection", false) }

// InjectionAll is Injection for every tool result, trusted or not.
func InjectionAll() Guard { return injection("injection_all", true) }

func injection(name string, all bool) Guard {
	return Guard{Name: name, Check: func(_ context.Context, s Subject) (Verdict, error) {
		if !s.Untrusted && !all {
			return Pass(), nil
		}
		found := InjectionRules(s.Text)
		if len(found) == 0 {
			return Pass(), nil
		}
		return Trip("the result looks like a prompt injection: " + strings.Join(found, ", ")), nil
	}}
}

// InjectionRules names the rules (untrusted.Rule…) by which text looks
// like a prompt injection, each once, in untrusted.Scan's order; nil when
// none does. It is untrusted.Scan with two more looks:
//
//   - Across lines: the text is scanned with its line breaks made spaces,
//     so a phrase broken over lines ("ignore all\nprevious instructions",
//     as an e-mail wrapped at 72 columns, or on purpose) is found as on one
//     line. A rule that needs a line's start (untrusted.RuleRoleLine) is
//     looked for in the text as it is, when the text has the capitals it
//     needs.
//
//   - "Ignore the above": ignore, disregard or forget (all, everything,
//     the, what was said…) above, foregoing, preceding, before this or so
//     far, followed by more instructions (", and", " then", " instead",
//     ":", ";", a dash) — the attack's first published form (Perez and
//     Ribeiro, "Ignore Previous Prompt", 2022: "Ignore the above and
//     say…"). Reported as untrusted.RuleIgnoreInstructions. Without what
//     follows, a correction ("Please disregard the above email.",
//     "disregard the above.") passes.
//
// The text is normalised as untrusted.Scan does (NFKC, format characters
// dropped, white space collapsed). The work is linear in its length.
func InjectionRules(text string) []string {
	var rules []string
	add := func(r string) {
		if !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	flat := flatten(text)
	for _, f := range untrusted.Scan(flat) {
		add(f.Rule)
	}
	if strings.Contains(flat, "SYSTEM") || strings.Contains(flat, "ASSISTANT") || strings.Contains(flat, "DEVELOPER") {
		// A role line ("SYSTEM:" at a line's start, in capitals) needs
		// the lines.
		for _, f := range untrusted.Scan(text) {
			add(f.Rule)
		}
	}
	if !slices.Contains(rules, untrusted.RuleIgnoreInstructions) && ignoresAbove(flat) {
		add(untrusted.RuleIgnoreInstructions)
	}
	if len(rules) > 1 {
		// untrusted.Scan's order, whichever pass found each.
		slices.SortStableFunc(rules, func(a, b string) int { return ruleOrder(a) - ruleOrder(b) })
	}
	return rules
}

// scanOrder is untrusted.Scan's order of its rules.
var scanOrder = []string{untrusted.RuleDelimiter, untrusted.RuleChatTemplate, untrusted.RuleRoleTag, untrusted.RuleRoleLine,
	untrusted.RuleIgnoreInstructions, untrusted.RuleNewInstructions, untrusted.RuleRoleChange, untrusted.RuleRevealPrompt}

func ruleOrder(r string) int {
	if i := slices.Index(scanOrder, r); i >= 0 {
		return i
	}
	return len(scanOrder)
}

// ignoreAbove is the "ignore the above" rule (see InjectionRules), on
// flattened text in lower case.
var ignoreAbove = regexp.MustCompile(`\b(?:ignore|disregard|forget)(?: (?:all|everything|anything))?(?: of)?(?: (?:the|this|what(?:'s| is| was| you read)?(?: (?:written|said|stated))?))? (?:above|foregoing|preceding|before this|so far)(?:,? (?:and|then|instead)\b| ?[:;—–]| - )`)

// ignoresAbove reports whether flat, flattened text, matches ignoreAbove.
// The regexp runs only on text that has one of its verbs: most text has
// none, and a search for a word is many times faster than the regexp.
func ignoresAbove(flat string) bool {
	lower := strings.ToLower(flat)
	if !strings.Contains(lower, "ignore") && !strings.Contains(lower, "disregard") && !strings.Contains(lower, "forget") {
		return false
	}
	return ignoreAbove.MatchString(lower)
}

// flatten is text as untrusted.Scan normalises it (compatibility forms
// folded, NFKC; format characters, Unicode category Cf, dropped), every
// run of white space, line breaks included, one space.
func flatten(text string) string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
