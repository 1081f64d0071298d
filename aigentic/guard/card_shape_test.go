package guard_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// A list of numbers is not a card number, even when its digits together
// pass the Luhn check and start with an issuer's prefix (Breaker 11, M1:
// these quiz scores were refused as a card).
func TestCardNumbersNotInNumberLists(t *testing.T) {
	for _, text := range []string{
		"Please add up my quiz scores: 49 99 42 15 14 44 95 34 35 13 and tell me the average.",
		"Top scores: 41 11 11 11 11 11 11 11",
		"Lottery numbers: 4 8 15 16 23 42 and 5 9 11 12 13 14",
		"Ports open: 40 22 80 443 8080 3306 5432 6379",
		"4111 11 11 11 11 11 11", // a four, then twos
		"411 111 111 111 111 1",  // threes
		"41111 11111 11111 1",    // fives
		"4111 1111 11111 111",    // 4-4-5-3
	} {
		if got := found(text); got != nil {
			t.Errorf("CardNumbers(%q) = %q, want none", text, got)
		}
	}
	v, err := guard.CreditCards().Check(context.Background(), guard.Subject{Point: guard.PointInput,
		Text: "Please add up my quiz scores: 49 99 42 15 14 44 95 34 35 13 and tell me the average."})
	if err != nil || v.Action != guard.ActionPass {
		t.Fatalf("quiz scores: %+v, %v", v, err)
	}
}

// Property: lists of two- and three-digit numbers (seeded, so the same
// lists every run) are never card numbers, whatever their digits — before
// the grouping rule about one list of ten in three was.
func TestCardNumbersRandomListsAreNotCards(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 32))
	seps := []string{" ", "-", "\u00a0", " ", "."}
	for range 20000 {
		var b strings.Builder
		n := 4 + r.IntN(17) // 4-20 numbers
		sep := seps[r.IntN(len(seps))]
		for i := range n {
			if i > 0 {
				b.WriteString(sep)
			}
			if r.IntN(2) == 0 {
				b.WriteString(strconv.Itoa(10 + r.IntN(90)))
			} else {
				b.WriteString(strconv.Itoa(100 + r.IntN(900)))
			}
		}
		if got := found(b.String()); got != nil {
			t.Fatalf("CardNumbers(%q) = %q, want none", b.String(), got)
		}
	}
}

// cardShapes are the groupings CardNumbers takes (see its doc), each a
// list of group sizes.
var cardShapes = [][]int{
	{13}, {14}, {15}, {16}, {17}, {18}, {19},
	{4, 4, 4, 1}, {4, 4, 4, 2}, {4, 4, 4, 3}, {4, 4, 4, 4}, {4, 4, 4, 4, 1}, {4, 4, 4, 4, 2}, {4, 4, 4, 4, 3},
	{4, 6, 5}, {4, 6, 4}, {4, 4, 5},
}

// Property: a number with a network's prefix and a right check digit, in
// every grouping cards are written in and with every separator, is found
// whole in a sentence.
func TestCardNumbersEveryShapeFound(t *testing.T) {
	r := rand.New(rand.NewPCG(7812, 1))
	prefixes := []string{"4", "51", "55", "2221", "2720", "34", "37", "6011", "65", "3530", "300", "36", "62", "50"}
	for _, shape := range cardShapes {
		for _, sep := range []string{" ", "-", "\u00a0", "\u202f", "\u2007", "\u2009"} {
			for range 50 {
				num := groupDigits(cardDigits(r, prefixes[r.IntN(len(prefixes))], sum(shape)), shape, sep)
				text := "card " + num + ", thanks"
				if got := found(text); len(got) != 1 || got[0] != num {
					t.Fatalf("shape %v: CardNumbers(%q) = %q, want %q", shape, text, got, num)
				}
			}
		}
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// cardDigits is a number of n digits starting with prefix, random in
// between, its last digit the Luhn check digit.
func cardDigits(r *rand.Rand, prefix string, n int) string {
	d := []byte(prefix)
	for len(d) < n-1 {
		d = append(d, byte('0'+r.IntN(10)))
	}
	for c := byte('0'); c <= '9'; c++ {
		if luhn(string(append(d, c))) {
			return string(append(d, c))
		}
	}
	panic("no check digit")
}

// groupDigits writes digits in groups of the sizes in shape, sep between.
func groupDigits(digits string, shape []int, sep string) string {
	var parts []string
	for _, n := range shape {
		parts = append(parts, digits[:n])
		digits = digits[n:]
	}
	return strings.Join(parts, sep)
}
