package secret

import (
	"math/rand/v2"
	"testing"
)

// mayHoldSecret is only a pre-filter: whenever a pattern matches, it must
// say so. Random strings built from the patterns' pieces check it.
func TestMayHoldSecretNeverHidesAMatch(t *testing.T) {
	pieces := []string{"sk-", "SK-", "key", "KeY", "api", "_", "-", "bearer", "BEARER", "Authorization", "aUTHORIZATION",
		" ", ":", "=", `"`, "abcdefgh", "12345678", "x", "K", "b", "a", "s", "k-"}
	rng := rand.New(rand.NewPCG(1, 2))
	matched := 0
	for range 20000 {
		s := ""
		for n := rng.IntN(8); n >= 0; n-- {
			s += pieces[rng.IntN(len(pieces))]
		}
		any := false
		for _, p := range patterns {
			any = any || p.MatchString(s)
		}
		if any {
			matched++
			if !mayHoldSecret(s) {
				t.Fatalf("mayHoldSecret(%q) = false, but a pattern matches", s)
			}
		}
	}
	if matched < 100 {
		t.Fatalf("only %d of the random strings matched a pattern: the test proves little", matched)
	}
}
