package untrusted

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Finding is something in a text that looks like a prompt injection.
type Finding struct {
	// Rule names what was found, one of the Rule… constants: a short
	// identifier, safe for a log or a reason.
	Rule string
	// Match is the text matched, after normalisation, cut to 60 bytes.
	// It came from outside: treat it as data.
	Match string
}

// The rules Scan applies.
const (
	// RuleDelimiter: the delimiters Delimit writes ("</untrusted-data"),
	// in any case and spacing — text trying to close its block.
	RuleDelimiter = "delimiter"
	// RuleChatTemplate: a chat template's special tokens (<|im_start|>,
	// <|eot_id|>, [INST]).
	RuleChatTemplate = "chat_template"
	// RuleRoleTag: a role or tool tag (<system>, <tool_call>,
	// <start_of_turn>).
	RuleRoleTag = "role_tag"
	// RuleRoleLine: a line that speaks as the system ("SYSTEM:",
	// "### ASSISTANT:"), in capitals.
	RuleRoleLine = "role_line"
	// RuleIgnoreInstructions: "ignore/disregard/forget … previous/all/your
	// … instructions/rules/prompts"; or "ignore the above" followed by an
	// instruction to the assistant ("… and say", ". Instead, reply").
	RuleIgnoreInstructions = "ignore_instructions"
	// RuleNewInstructions: "new instructions:", "system prompt:",
	// "system override:".
	RuleNewInstructions = "new_instructions"
	// RuleRoleChange: "you are now an unrestricted assistant/AI/model…",
	// "DAN mode", "jailbreak mode".
	RuleRoleChange = "role_change"
	// RuleRevealPrompt: "reveal/print/repeat … your system prompt/your
	// instructions".
	RuleRevealPrompt = "reveal_prompt"
)

// rule is one named pattern. A cased rule runs on the normalised text with
// its case and its lines kept (it needs a line's start); the others run on
// it lower-cased and on one line, so that a phrase broken over lines (an
// e-mail wrapped at 72 columns, or on purpose) is found as on one. A rule
// with words runs only on text holding one of them: a search for a word
// is many times faster than a regexp, and most text has none.
type rule struct {
	name  string
	re    *regexp.Regexp
	cased bool
	words []string
}

// rules are the markup Delimit neutralises, then the phrasings of direct
// instructions that the OWASP Prompt Injection Prevention Cheat Sheet
// (cheatsheetseries.owasp.org, "LLM Prompt Injection Prevention") lists
// as signs of injection: instructions to ignore earlier ones (or "the
// above"), new
// instructions, a change of role or mode, and requests for the system
// prompt.
var rules = []rule{
	{name: RuleDelimiter, re: regexp.MustCompile(delimiterPattern)},
	{name: RuleChatTemplate, re: regexp.MustCompile(`(?i)` + chatTemplatePattern)},
	{name: RuleRoleTag, re: regexp.MustCompile(roleTagPattern)},
	{name: RuleRoleLine, re: regexp.MustCompile(`(?m)^[ \t>*_#]*(?:SYSTEM|ASSISTANT|DEVELOPER)(?: (?:MESSAGE|PROMPT|NOTE))?[ \t]*:`), cased: true},
	{name: RuleIgnoreInstructions, re: regexp.MustCompile(`\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|your|system|original|initial)\b[^.!?\n]{0,20}?\b(?:instructions?|prompts?|rules|guidelines|directives|directions)\b`)},
	// "Ignore the above" followed by an instruction to the assistant: the
	// attack's first published form (Perez and Ribeiro, "Ignore Previous
	// Prompt", 2022: "Ignore the above and say…"). The instruction is a
	// verb of what the model says or does for the attacker (say, reply,
	// output, print, send, transfer …), "you are", "from now on" or "your
	// new task", after "and"/"then" or a stop, colon, dash, "instead" or
	// "now". Without it a correction in an e-mail passes: "Please
	// disregard the above: the meeting moved to 3pm.", "Sorry, ignore the
	// above and see my next mail.", "Please disregard the above email."
	{name: RuleIgnoreInstructions, words: []string{"ignore", "disregard", "forget"}, re: regexp.MustCompile(ignoreAbovePattern)},
	{name: RuleNewInstructions, re: regexp.MustCompile(`\b(?:new|updated|real|actual|additional|revised) (?:system )?instructions?[ \t]*:|\bsystem (?:prompt|message|override)[ \t]*:`)},
	{name: RuleRoleChange, re: regexp.MustCompile(`\byou are (?:now|no longer) (?:an? |the |my )?(?:[a-z-]+ ){0,2}(?:assistant|ai|model|bot|chatbot|agent|persona|character)\b|\b(?:jailbreak|dan) mode\b`)},
	{name: RuleRevealPrompt, re: regexp.MustCompile(`\b(?:reveal|print|show|repeat|output|disclose|leak)\b[^.!?\n]{0,30}?\b(?:system prompt|your (?:instructions|prompt|rules)|hidden instructions|initial prompt)\b`)},
}

// ignoreAbovePattern is "ignore the above" (or "the message above", "what
// came before", "everything you were told") followed by an instruction to
// the assistant, on lower-cased text on one line.
const ignoreAbovePattern = `\b(?:ignore|disregard|forget)(?: (?:all|everything|anything))?(?: of)?` +
	`(?: (?:the|this|what(?:'s| is| was| came| you read)?(?: (?:written|said|stated))?))?` +
	`(?: (?:messages?|text|e-?mail|content|conversation|context|lines?|words|paragraphs?))?` +
	` (?:above|foregoing|preceding|before(?: this)?|so far|you (?:were|have been|'ve been) told(?: before| so far)?)` +
	`(?:,? (?:and|then)|[.!?]+|,| ?[:;—–]| ?--?) (?:(?:instead|now|just|only|simply|please|rather),? )*` +
	`(?:say|reply|respond|answer|output|print|write|type|repeat|return|tell|reveal|show|translate|` +
	`send|e-?mail|forward|share|post|upload|leak|transfer|wire|pay|refund|buy|sell|approve|grant|delete|execute|run|` +
	`act as|pretend|you are|you're|you will|you must|from now on|` +
	`your (?:new |real |only |actual )?(?:task|job|role|goal|instructions?|answer|reply|response|purpose))\b`

// Scan reports what in text looks like a prompt injection: the markup
// Delimit neutralises, and common phrasings of instructions aimed at the
// model (see the Rule constants) — one Finding per rule found, in the
// rules' order; nil when none is.
//
// Text is normalised first, so hiding does not help: compatibility forms
// folded (NFKC: full-width "＜" is "<", ligatures split), format
// characters removed (zero-width spaces and joiners, soft hyphens,
// bidirectional controls), runs of white space made one space — line
// breaks too, but for the rule that needs a line's start ("SYSTEM:"), so
// a phrase broken over lines is found.
//
// It is a heuristic, as every such filter is: it finds the known
// phrasings in English and the markup of the common chat templates, not
// an injection written in other words or another language, or with
// look-alike letters (Cyrillic "о" for "o"). "Ignore the above" counts
// only when an instruction from its list follows (see
// ignoreAbovePattern): "… and order ten gift cards" is missed, and a
// correction that asks for a reply ("ignore the above and reply to Ana")
// is flagged. Use it to refuse what is
// plainly hostile, on top of delimiting, never instead of keeping tools
// that act behind approval. The work is linear in the text's length.
func Scan(text string) []Finding {
	cased := normalise(text)
	lower := strings.ToLower(oneLine(cased))
	var out []Finding
	for _, r := range rules {
		in := lower
		if r.cased {
			in = cased
		}
		if len(out) > 0 && out[len(out)-1].Rule == r.name ||
			r.words != nil && !slices.ContainsFunc(r.words, func(w string) bool { return strings.Contains(in, w) }) {
			continue // found already by the rule's other pattern; or none of its words
		}
		if m := r.re.FindString(in); m != "" {
			out = append(out, Finding{Rule: r.name, Match: clip(m, 60)})
		}
	}
	return out
}

// oneLine is normalised text s with each line break, and the space beside
// it, made one space.
func oneLine(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			c = ' '
		}
		if c == ' ' && b.Len() > 0 && b.String()[b.Len()-1] == ' ' {
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// normalise folds compatibility forms (NFKC), drops format characters
// (Unicode category Cf) and collapses white space, keeping line ends.
func normalise(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case r == '\n':
			b.WriteByte('\n')
			space = false
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

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
