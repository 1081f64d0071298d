package openai

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// shortIDLen is the length of a tool-call ID Mistral accepts: exactly 9
// letters and digits ("Tool call id was call_1_0 but must be a-z, A-Z,
// 0-9, with a length of 9", anomalyco/opencode#1680; the same rule in
// vLLM serving Mistral models, jundot/omlx#1997). It is the strictest
// rule among the server families of the conformance corpus: an ID that
// fits it fits every other.
const shortIDLen = 9

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// IsShortToolCallID reports whether id is 9 letters and digits: a
// tool-call ID every server family of the conformance corpus accepts,
// Mistral's rule being the strictest.
func IsShortToolCallID(id string) bool {
	if len(id) != shortIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// ShortToolCallID maps a tool-call ID to one that fits Mistral's rule
// ([IsShortToolCallID]): an ID that fits is kept; any other (the
// runtime's "call_1_0", OpenAI's "call_abc…", an empty one) becomes 9
// base-62 digits of its SHA-256 — the same every time, so that an
// assistant message's calls and the tool messages answering them still
// match in every later request.
func ShortToolCallID(id string) string {
	if IsShortToolCallID(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	n := binary.BigEndian.Uint64(sum[:8])
	var b [shortIDLen]byte
	for i := range b {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b[:])
}

// idMapper rewrites the tool-call IDs of one request when the family
// needs short ones, and refuses two IDs that would become one.
type idMapper struct {
	on   bool
	seen map[string]string // short ID -> original
}

func (m *idMapper) id(id string) (string, error) {
	if !m.on {
		return id, nil
	}
	s := ShortToolCallID(id)
	if m.seen == nil {
		m.seen = map[string]string{}
	}
	if orig, ok := m.seen[s]; ok && orig != id {
		return "", fmt.Errorf("tool call IDs %q and %q map to the same 9-character ID %q", orig, id, s)
	}
	m.seen[s] = id
	return s, nil
}
