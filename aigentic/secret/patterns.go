package secret

import (
	"regexp"
	"strings"
)

// patterns match credentials whatever their value: OpenAI-style keys,
// bearer tokens and key=value pairs naming a key.
var patterns = []*regexp.Regexp{
	// "sk-" where no letter or digit comes before it: after "_" too
	// (KEY_sk-…), which \b would not allow; not in task-… or disk-….
	regexp.MustCompile(`(^|[^A-Za-z0-9])sk-[A-Za-z0-9_\-]{8,}`),
	regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}`),
	// A name ending in authorization or api key (OPENAI_API_KEY, x-api-key,
	// Proxy-Authorization), then the value — with its scheme word, so
	// "Authorization: Basic <credential>" loses the credential too. The
	// value ends at a quote, a comma, a brace, whitespace or a query &.
	regexp.MustCompile(`(?i)\b((?:[a-z0-9]+[_-])*(?:authorization|api[_-]?key))(["']?\s*[:=]\s*["']?)(?:(?:basic|bearer|digest|token|negotiate|ntlm)\s+)?[^\s"',}&]+`),
}

// redactPatterns applies the patterns.
func redactPatterns(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	s = patterns[0].ReplaceAllString(s, "${1}"+Placeholder)
	s = patterns[1].ReplaceAllString(s, "Bearer "+Placeholder)
	s = patterns[2].ReplaceAllString(s, "${1}${2}"+Placeholder)
	return s
}

// mayHoldSecret is a cheap pre-check so the common case skips the regexps:
// one pass looking for "sk-" and, in any ASCII case, "key", "bearer" or
// "authorization".
func mayHoldSecret(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] | 0x20 { // ASCII lower case (other bytes never match below)
		case 'k':
			if hasFold(s[i:], "key") {
				return true
			}
		case 'b':
			if hasFold(s[i:], "bearer") {
				return true
			}
		case 'a':
			if hasFold(s[i:], "authorization") {
				return true
			}
		case 's':
			if strings.HasPrefix(s[i:], "sk-") {
				return true
			}
		}
	}
	return false
}

// hasFold reports whether s starts with prefix in any ASCII case; prefix
// must be lower case letters.
func hasFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for j := 0; j < len(prefix); j++ {
		if s[j]|0x20 != prefix[j] {
			return false
		}
	}
	return true
}
