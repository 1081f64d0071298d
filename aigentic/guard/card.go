package guard

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// CardNumbers finds payment card numbers in text and returns the byte
// range [start, end) of each, as regexp's FindAllStringIndex does. A
// number is 13 to 19 ASCII digits, written together or in groups
// separated by one separator each: a space, a hyphen, or a space as web
// pages and word processors write one between digits — no-break (U+00A0,
// HTML's &nbsp;), narrow no-break (U+202F), figure (U+2007) or thin
// (U+2009) — ("4111 1111 1111 1111", "4111-1111-1111-1111"); or a dot
// between groups of four ("4111.1111.1111.1111", the last group of a
// 19-digit number three), so that a version number, a price with dots
// for thousands or a dotted date is not read as groups of a card.
//
// Groups count only in the groupings cards are written in: groups of
// four, the last of one to four digits (4-4-4-4, 4-4-4-4-3 for 19 digits,
// 4-4-4-1 for 13); 4-6-5 and 4-6-4 (American Express, Diners Club); and
// 4-4-5 (13 digits). ISO/IEC 7812-1 fixes a card number's digits, not how
// they are grouped, and no standard does: these are the groupings the
// networks print on their cards (Visa and Mastercard 4-4-4-4, American
// Express 4-6-5, Diners Club's 14-digit cards 4-6-4) and that payment
// providers write test numbers in (docs.stripe.com/testing: "4242 4242
// 4242 4242", "3782 822463 10005"); a practice, not a rule. So a
// list of numbers ("scores: 49 99 42 15 14 44 95 34 35 13") is not read
// as a card, and neither is a number written digit by digit
// ("4 1 1 1 …"): the same shape as a list of digits. Four numbers of four
// digits are a card's shape: about one such list in 25, taken at random,
// also passes the Luhn check and an issuer's prefix and is read as one.
//
// A number is not part of a longer run of digits, does not follow a "+"
// (an international phone number, ITU-T E.164), and
// passes the Luhn check (ISO/IEC 7812-1) and starts with an issuer prefix
// of a card network: Visa 4; Mastercard 51-55, 2221-2720; American
// Express 34, 37; Discover 6011, 644-649, 65; JCB 3528-3589; Diners Club
// 300-305, 36, 38, 39; UnionPay 62; Maestro 50, 56-58, 6. A 16-digit order
// number passes Luhn one time in ten; the prefix and the length make that
// rarer. Digits in other scripts (full-width, Arabic-Indic) are not
// looked at.
//
// Known misses, kept so that ordinary text is not read as a card: other
// separators (two spaces, " - ", tabs, line breaks, an en dash, "/", "_",
// ",", a zero-width space), other groupings (digit by digit, Amex with
// dots "3782.822463.10005", 6-13 for a 19-digit number), and a number
// right after a "+" that begins a word ("+4111 1111 1111 1111", read as a
// phone number's).
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

// digitRun reads the groups of digits from i: digits, then one
// separator (see CardNumbers) between groups.
func digitRun(text string, i int) []group {
	var run []group
	for {
		j := digitsEnd(text, i)
		run = append(run, group{i, j})
		n := separator(text, j)
		if n == 0 || j+n >= len(text) || !isDigit(text[j+n]) {
			return run
		}
		if text[j] == '.' {
			// A dot joins groups of four only: "4111.1111", not "1.234".
			next := digitsEnd(text, j+1) - (j + 1)
			if j-i != 4 || next < 3 || next > 4 {
				return run
			}
		}
		i = j + n
	}
}

// digitsEnd is the end of the ASCII digits from i.
func digitsEnd(text string, i int) int {
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	return i
}

// separator is the length in bytes of the separator between groups of
// digits at text[j:], 0 if there is none (see CardNumbers).
func separator(text string, j int) int {
	if j >= len(text) {
		return 0
	}
	switch text[j] {
	case ' ', '-', '.':
		return 1
	case 0xC2: // U+00A0 no-break space is C2 A0
		if j+1 < len(text) && text[j+1] == 0xA0 {
			return 2
		}
	case 0xE2: // U+2007 figure, U+2009 thin, U+202F narrow no-break space
		if j+2 < len(text) && text[j+1] == 0x80 && (text[j+2] == 0x87 || text[j+2] == 0x89 || text[j+2] == 0xAF) {
			return 3
		}
	}
	return 0
}

// appendCards adds the card numbers of a run: the longest span of whole
// groups from each group on that is a card number in a card's grouping
// (cardShape), so a number followed by other digits ("4111 1111 1111
// 1111 2024") is still found. A span holds at most 19 digits, so the work
// is linear in the run's length.
func appendCards(out [][]int, text string, run []group) [][]int {
	var digits []byte
	for a := 0; a < len(run); a++ {
		if a == 0 && phonePrefix(text, run[0].start) {
			continue // +44 20 7946 0958: a phone number
		}
		digits = digits[:0]
		best := -1
		for b := a; b < len(run); b++ {
			g := run[b]
			if len(digits)+g.end-g.start > 19 {
				break
			}
			digits = append(digits, text[g.start:g.end]...)
			shape, more := cardShape(run[a : b+1])
			if shape && isCardNumber(digits) {
				best = b
			}
			if !more {
				break
			}
		}
		if best >= 0 {
			out = append(out, []int{run[a].start, run[best].end})
			a = best
		}
	}
	return out
}

// cardShape reports whether the groups gs are in a grouping cards are
// written in (see CardNumbers) — one group; fours, the last of one to
// four digits; 4-6-5, 4-6-4, 4-4-5 — the digit count left to
// isCardNumber; and whether a longer span starting with gs can be.
func cardShape(gs []group) (shape, more bool) {
	n := len(gs)
	size := func(i int) int { return gs[i].end - gs[i].start }
	if n == 1 {
		return true, size(0) == 4
	}
	fours := true // every group but the last is four digits
	for i := range n - 1 {
		fours = fours && size(i) == 4
	}
	last := size(n - 1)
	switch {
	case fours && last <= 4:
		return true, last == 4
	case n == 2 && size(0) == 4 && last == 6:
		return false, true // 4-6, to be 4-6-5 or 4-6-4
	case n == 3 && size(0) == 4 && size(1) == 6 && (last == 5 || last == 4):
		return true, false
	case n == 3 && fours && last == 5:
		return true, false // 4-4-5
	}
	return false, false
}

// phonePrefix reports whether the digits at i follow a "+" that begins a
// word (" +44", "(+44"): an international phone number's (E.164), not
// "card+4111…" (a space in a URL's query).
func phonePrefix(text string, i int) bool {
	if i == 0 || text[i-1] != '+' {
		return false
	}
	if i == 1 {
		return true
	}
	c := text[i-2]
	return !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
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
			b.WriteString("[card ending " + lastDigits(s.Text[f[0]:f[1]], 4) + "]")
			last = f[1]
		}
		b.WriteString(s.Text[last:])
		return Rewrite(b.String(), plural(len(found), "a payment card number masked", "payment card numbers masked")), nil
	}}
}

// lastDigits is the last n digits of num, a card number as found, its
// separators skipped.
func lastDigits(num string, n int) string {
	var d []byte
	for i := len(num) - 1; i >= 0 && len(d) < n; i-- {
		if isDigit(num[i]) {
			d = append(d, num[i])
		}
	}
	slices.Reverse(d)
	return string(d)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strconv.Itoa(n) + " " + many
}
