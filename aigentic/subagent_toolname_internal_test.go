package aigentic

import "testing"

// A sub-agent's tool name keeps the ends of the ranges it allows — a-z and
// 0-9 — and replaces what lies just outside them.
func TestSubAgentToolNameKeepsRangeEnds(t *testing.T) {
	for name, want := range map[string]string{
		"Zed 09": "zed_09",
		"az/:`{": "az____",
		"A_b-c":  "a_b-c",
	} {
		if got := toolNameFor(name); got != want {
			t.Errorf("toolNameFor(%q) = %q, want %q", name, got, want)
		}
	}
}
