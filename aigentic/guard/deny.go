package guard

import (
	"context"
	"regexp"
	"strconv"
	"strings"

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
// in which untrusted.Scan finds a sign of prompt injection: the markup
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
		found := untrusted.Scan(s.Text)
		if len(found) == 0 {
			return Pass(), nil
		}
		rules := make([]string, len(found))
		for i, f := range found {
			rules[i] = f.Rule
		}
		return Trip("the result looks like a prompt injection: " + strings.Join(rules, ", ")), nil
	}}
}
