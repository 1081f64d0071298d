package cli

import (
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// Safe is untrusted.Terminal: s with every character that could change
// what the user sees written as a Go escape; with keepLines, newlines and
// tabs pass.
func Safe(s string, keepLines bool) string { return untrusted.Terminal(s, keepLines) }

// safeArgs makes fmt arguments safe to print: a string, error or
// Stringer whose text holds a control character is replaced by its Safe
// text (on one line); other arguments are left as they are, for fmt.
func safeArgs(args []any) []any {
	out := args
	for i, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case error:
			s = v.Error()
		case fmt.Stringer:
			s = v.String()
		default:
			continue
		}
		if t := Safe(s, false); t != s {
			if len(out) > 0 && &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = t
		}
	}
	return out
}
