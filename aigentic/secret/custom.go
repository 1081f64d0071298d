package secret

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
)

// ErrPattern is wrapped by RegisterPattern's error for a pattern it cannot
// use.
var ErrPattern = errors.New("secret: unusable credential pattern")

// minPatternPrefix is the shortest literal prefix a registered pattern may
// have: Redact looks for it (strings.Contains) before running the regexp,
// so text without it costs one scan per pattern, not a regexp match.
const minPatternPrefix = 3

// customPattern is a registered pattern and its literal prefix.
type customPattern struct {
	prefix string
	re     *regexp.Regexp
}

// custom are the registered patterns: an immutable slice, replaced whole.
var custom atomic.Pointer[[]customPattern]

// RegisterPattern makes every match of re a secret [Redact] removes: for
// a credential format of the program's own — a service's API keys,
// "aig_<id>_<secret>" — which no environment variable or registered
// value names. Each match is replaced by [Placeholder], in the text as
// written and, like every secret, with JSON escapes decoded. re must
// start with a literal prefix of at least 3 bytes ("aig_"), which Redact
// looks for first; otherwise the error wraps [ErrPattern]. Safe for
// concurrent use; registering the same expression again does nothing.
func RegisterPattern(re *regexp.Regexp) error {
	if re == nil {
		return fmt.Errorf("%w: nil", ErrPattern)
	}
	prefix, _ := re.LiteralPrefix()
	if len(prefix) < minPatternPrefix {
		return fmt.Errorf("%w: %q must start with a literal prefix of at least %d bytes", ErrPattern, re.String(), minPatternPrefix)
	}
	mu.Lock()
	defer mu.Unlock()
	var next []customPattern
	if old := custom.Load(); old != nil {
		if slices.ContainsFunc(*old, func(c customPattern) bool { return c.re.String() == re.String() }) {
			return nil
		}
		next = slices.Clone(*old)
	}
	next = append(next, customPattern{prefix, re})
	custom.Store(&next)
	return nil
}

// redactCustom replaces the registered patterns' matches in s.
func redactCustom(s string) string {
	cs := custom.Load()
	if cs == nil {
		return s
	}
	for _, c := range *cs {
		if strings.Contains(s, c.prefix) {
			s = c.re.ReplaceAllString(s, Placeholder)
		}
	}
	return s
}
