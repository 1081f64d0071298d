package secret

import (
	"regexp"
	"strings"
)

// patterns match credentials whatever their value: OpenAI-style keys,
// bearer tokens and key=value pairs naming a key.
var patterns = []*regexp.Regexp{
	regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{8,}`),
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
	s = patterns[0].ReplaceAllString(s, Placeholder)
	s = patterns[1].ReplaceAllString(s, "Bearer "+Placeholder)
	s = patterns[2].ReplaceAllString(s, "${1}${2}"+Placeholder)
	return s
}

// mayHoldSecret is a cheap pre-check so the common case skips the regexps.
func mayHoldSecret(s string) bool {
	return strings.Contains(s, "sk-") || containsFold(s, "bearer") || containsFold(s, "authorization") || containsFold(s, "key")
}

// containsFold is an allocation-free, ASCII case-insensitive Contains;
// sub must be lower case.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}
