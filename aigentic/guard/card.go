package guard

import (
	"context"
	"strconv"
	"strings"
)

// CardNumbers finds payment card numbers in text and returns the byte
// range [start, end) of each, as regexp's FindAllStringIndex does. A
// number is 13 to 19 ASCII digits, written together or in groups
// separated by single spaces or hyphens ("4111 1111 1111 1111",
// "4111-1111-1111-1111"), not part of a longer run of digits, that
// passes the Luhn check (ISO/IEC 7812-1) and starts with an issuer prefix
// of a card network: Visa 4; Mastercard 51-55, 2221-2720; American
// Express 34, 37; Discover 6011, 644-649, 65; JCB 3528-3589; Diners Club
// 300-305, 36, 38, 39; UnionPay 62; Maestro 50, 56-58, 6. A 16-digit order
// number passes Luhn one time in ten; the prefix and the length make that
// rarer. Digits in other scripts (full-width, Arabic-Indic) are not
// looked at.
func CardNumbers(text string) [][]int {
	var out [][]int
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		run := digitRun(text, i)
		out = appendCards(out, text, run)
		i = run[len(run)-1].end
	}
	return out
}

// group is one group of digits of a run: text[start:end].
type group struct{ start, end int }

// digitRun reads the groups of digits from i: digits, then single spaces
// or hyphens between groups.
func digitRun(text string, i int) []group {
	var run []group
	for {
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		run = append(run, group{i, j})
		if j+1 < len(text) && (text[j] == ' ' || text[j] == '-') && isDigit(text[j+1]) {
			i = j + 1
			continue
		}
		return run
	}
}

// appendCards adds the card numbers of a run: the longest span of whole
// groups from each group on that is a card number, so a number followed
// by other digits ("4111 1111 1111 1111 2024") is still found. A span
// holds at most 19 digits, so the work is linear in the run's length.
func appendCards(out [][]int, text string, run []group) [][]int {
	var digits []byte
	for a := 0; a < len(run); a++ {
		digits = digits[:0]
		best := -1
		for b := a; b < len(run); b++ {
			g := run[b]
			if len(digits)+g.end-g.start > 19 {
				break
			}
			digits = append(digits, text[g.start:g.end]...)
			if isCardNumber(digits) {
				best = b
			}
		}
		if best >= 0 {
			out = append(out, []int{run[a].start, run[best].end})
			a = best
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isCardNumber reports whether d, all digits, is a card number.
func isCardNumber(d []byte) bool {
	return len(d) >= 13 && len(d) <= 19 && knownIssuer(d) && luhn(d)
}

// luhn is the Luhn check (ISO/IEC 7812-1, annex B): from the right, every
// second digit doubled (less 9 above 9); the sum is a multiple of 10.
func luhn(d []byte) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// knownIssuer reports whether d starts with a card network's prefix (see
// CardNumbers).
func knownIssuer(d []byte) bool {
	p := func(n int) int { // the first n digits as a number
		v := 0
		for i := range n {
			v = v*10 + int(d[i]-'0')
		}
		return v
	}
	switch {
	case d[0] == '4', d[0] == '6':
		return true // Visa; Discover, UnionPay, Maestro 6…
	case p(2) >= 50 && p(2) <= 58:
		return true // Maestro 50, Mastercard 51-55, Maestro 56-58
	case p(4) >= 2221 && p(4) <= 2720:
		return true // Mastercard
	case p(2) == 34 || p(2) == 37 || p(2) == 36 || p(2) == 38 || p(2) == 39:
		return true // American Express; Diners Club
	case p(3) >= 300 && p(3) <= 305:
		return true // Diners Club
	case p(4) >= 3528 && p(4) <= 3589:
		return true // JCB
	}
	return false
}

// CreditCards is an input guard that trips on a message carrying a
// payment card number (CardNumbers): the number never reaches the model.
// Use it on output or tool results too.
func CreditCards() Guard {
	return Guard{Name: "credit_card", Check: func(_ context.Context, s Subject) (Verdict, error) {
		if n := len(CardNumbers(s.Text)); n > 0 {
			return Trip(plural(n, "a payment card number", "payment card numbers") + " (refused; never send card numbers to the assistant)"), nil
		}
		return Pass(), nil
	}}
}

// MaskCreditCards is a guard that rewrites each payment card number
// (CardNumbers) to "[card ending NNNN]": the model, or the reader of an
// answer, sees that a card was given and which, as PCI DSS allows (the
// last four digits at most), and never the number.
func MaskCreditCards() Guard {
	return Guard{Name: "credit_card_mask", Check: func(_ context.Context, s Subject) (Verdict, error) {
		found := CardNumbers(s.Text)
		if len(found) == 0 {
			return Pass(), nil
		}
		var b strings.Builder
		last := 0
		for _, f := range found {
			b.WriteString(s.Text[last:f[0]])
			num := s.Text[f[0]:f[1]]
			b.WriteString("[card ending " + num[len(num)-4:] + "]")
			last = f[1]
		}
		b.WriteString(s.Text[last:])
		return Rewrite(b.String(), plural(len(found), "a payment card number masked", "payment card numbers masked")), nil
	}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strconv.Itoa(n) + " " + many
}
