package guard_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// found lists the numbers CardNumbers finds in text.
func found(text string) []string {
	var out []string
	for _, r := range guard.CardNumbers(text) {
		out = append(out, text[r[0]:r[1]])
	}
	return out
}

// The card networks' published test numbers are found, written together,
// in groups, or among other digits.
func TestCardNumbersFound(t *testing.T) {
	for text, want := range map[string]string{
		"4111111111111111":                        "4111111111111111",    // Visa
		"card: 4111 1111 1111 1111, exp 12/29":    "4111 1111 1111 1111", // in groups
		"5555-5555-5555-4444.":                    "5555-5555-5555-4444", // Mastercard
		"2223003122003222":                        "2223003122003222",    // Mastercard 2-series
		"amex 378282246310005":                    "378282246310005",     // American Express, 15 digits
		"6011111111111117":                        "6011111111111117",    // Discover
		"3530111333300000":                        "3530111333300000",    // JCB
		"30569309025904":                          "30569309025904",      // Diners Club, 14 digits
		"6200000000000005":                        "6200000000000005",    // UnionPay
		"4111 1111 1111 1111 2024":                "4111 1111 1111 1111", // a year after it
		"ref 12 4111 1111 1111 1111":              "4111 1111 1111 1111", // digits before it
		"cardnumber4111111111111111":              "4111111111111111",    // glued to a word
		"4111111111111111\n5555555555554444 both": "4111111111111111",
	} {
		got := found(text)
		if len(got) == 0 || got[0] != want {
			t.Errorf("CardNumbers(%q) = %q, want %q first", text, got, want)
		}
	}
	if got := found("4111111111111111 and 5555 5555 5555 4444"); len(got) != 2 {
		t.Errorf("two cards: %q", got)
	}
}

// What a naive digit regexp would flag is not a card number: a failed
// Luhn check, an unknown issuer, the wrong length, a longer run of digits,
// phone numbers, order numbers, dates.
func TestCardNumbersNotFound(t *testing.T) {
	for _, text := range []string{
		"4111111111111112",              // Luhn fails
		"1234567812345670",              // Luhn passes, no issuer starts with 1
		"9111111111111111",              // no issuer starts with 9
		"411111111111",                  // 12 digits
		"41111111111111111111",          // 20 digits
		"12345678901234567890123456789", // a long run of digits
		"41111111111111110",             // a card number with a digit after it is not one
		"Call +1 555 123 4567 or 555-0100",
		"Order 2026-03-01-000123 shipped",
		"4111 1111  1111 1111",            // two spaces: not one number
		"4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", // digit by digit: a list of digits' shape
		"４１１１１１１１１１１１１１１１",                // full-width digits are not looked at
	} {
		if got := found(text); got != nil {
			t.Errorf("CardNumbers(%q) = %q, want none", text, got)
		}
	}
}

// The ready guards: CreditCards trips without quoting the number;
// MaskCreditCards keeps the last four digits only.
func TestCardGuards(t *testing.T) {
	s := guard.Subject{Point: guard.PointInput, Text: "pay with 4111-1111-1111-1111 or 5555555555554444 please"}
	v, err := guard.CreditCards().Check(context.Background(), s)
	if err != nil || v.Action != guard.ActionTrip {
		t.Fatalf("%+v, %v", v, err)
	}
	if v.Reason != "2 payment card numbers (refused; never send card numbers to the assistant)" {
		t.Fatalf("reason %q", v.Reason)
	}
	v, err = guard.MaskCreditCards().Check(context.Background(), s)
	if err != nil || v.Action != guard.ActionRewrite || v.Text != "pay with [card ending 1111] or [card ending 4444] please" {
		t.Fatalf("%+v, %v", v, err)
	}
	if v, _ := guard.CreditCards().Check(context.Background(), guard.Subject{Text: "no card"}); v.Action != guard.ActionPass {
		t.Fatalf("%+v", v)
	}
}

// Deny trips on a match without quoting it; Replace rewrites every match.
func TestDenyAndReplace(t *testing.T) {
	internal := regexp.MustCompile(`(?i)\bhttps?://[a-z0-9.-]*\.corp\b\S*`)
	s := guard.Subject{Point: guard.PointOutput, Text: "See HTTP://Wiki.corp/a and http://jira.corp/b."}
	v, _ := guard.Deny("internal_url", "an internal URL", internal).Check(context.Background(), s)
	if v.Action != guard.ActionTrip || v.Reason != "an internal URL (output refused)" {
		t.Fatalf("%+v", v)
	}
	v, _ = guard.Replace("internal_url", "[link removed]", internal).Check(context.Background(), s)
	if v.Action != guard.ActionRewrite || v.Text != "See [link removed] and [link removed]" || v.Reason != "2 match(es) replaced" {
		t.Fatalf("%+v", v)
	}
	s.Text = "See https://example.com/a."
	for _, g := range []guard.Guard{guard.Deny("d", "x", internal), guard.Replace("r", "x", internal)} {
		if v, _ := g.Check(context.Background(), s); v.Action != guard.ActionPass {
			t.Fatalf("%s: %+v", g.Name, v)
		}
	}
}

// Whatever the text, CardNumbers never panics and every range it returns
// holds a Luhn-valid number of 13-19 digits.
func FuzzCardNumbers(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "5555-5555-5555-4444 x", "1-2-3", "4111111111111111111111", "9 9 9", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"4111.1111.1111.1111", "4111\u00a01111\u202f1111\u20071111", "+49 30 123456786", "1.234.567.890", "4111.\u00a0\u2009", "\xc2", "4111\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, r := range guard.CardNumbers(text) {
			if r[0] < 0 || r[1] > len(text) || r[0] >= r[1] {
				t.Fatalf("range %v in %d bytes", r, len(text))
			}
			digits := strings.Map(func(c rune) rune {
				if c >= '0' && c <= '9' {
					return c
				}
				return -1
			}, text[r[0]:r[1]])
			if len(digits) < 13 || len(digits) > 19 || !luhn(digits) {
				t.Fatalf("%q is not a card number", text[r[0]:r[1]])
			}
		}
	})
}

// luhn is the check written the other way round: the check digit
// computed from the others.
func luhn(d string) bool {
	sum := 0
	for i := len(d) - 2; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-2-i)%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return int(d[len(d)-1]-'0') == (10-sum%10)%10
}

// A long run of single digits costs linear time, not quadratic.
func BenchmarkCardNumbersLongRun(b *testing.B) {
	text := strings.Repeat("1 ", 100_000)
	for b.Loop() {
		guard.CardNumbers(text)
	}
}

// Card numbers as pasted from web pages and documents: dotted groups of
// four, and the spaces a page or word processor puts between digits
// (no-break, narrow no-break, figure, thin), in a message's middle.
func TestCardNumbersSeparators(t *testing.T) {
	for text, want := range map[string]string{
		"card 4111.1111.1111.1111, thanks":         "4111.1111.1111.1111",
		"4111.1111.1111.1111.":                     "4111.1111.1111.1111",
		"card: 4111\u00a01111\u00a01111\u00a01111": "4111\u00a01111\u00a01111\u00a01111", // &nbsp;
		"4111\u202f1111\u202f1111\u202f1111":       "4111\u202f1111\u202f1111\u202f1111", // narrow no-break
		"5555\u20075555\u20075555\u20074444":       "5555\u20075555\u20075555\u20074444", // figure space
		"5555\u20095555\u20095555\u20094444":       "5555\u20095555\u20095555\u20094444", // thin space
		"4111\u00a01111 1111-1111 ok":              "4111\u00a01111 1111-1111",           // mixed
		"is 4111 1111 1111 1111 (\u00a0)":          "4111 1111 1111 1111",
		"call+4111111111111111":                    "4111111111111111", // a "+" inside a word is not a phone's
	} {
		got := found(text)
		if len(got) == 0 || got[0] != want {
			t.Errorf("CardNumbers(%q) = %q, want %q first", text, got, want)
		}
	}
	v, err := guard.MaskCreditCards().Check(context.Background(), guard.Subject{Text: "pay 4111\u00a01111\u00a01111\u00a01111 or 5555.5555.5555.4444 now"})
	if err != nil || v.Text != "pay [card ending 1111] or [card ending 4444] now" {
		t.Fatalf("%+v, %v", v, err)
	}
	v, _ = guard.MaskCreditCards().Check(context.Background(), guard.Subject{Text: "4222 2222 2222 2 and 3782 822463 10005"})
	if v.Text != "[card ending 2222] and [card ending 0005]" {
		t.Fatalf("endings of a 13-digit and an Amex number: %q", v.Text)
	}
}

// Ordinary text with dots and numbers is not a card number: version
// numbers, prices (dots for thousands), dates, times, addresses, phone
// numbers — international ones that would pass the Luhn check and an
// issuer's prefix included.
func TestCardNumbersOrdinaryText(t *testing.T) {
	for _, text := range []string{
		"Upgrade from Go 1.24.3 to 1.25.0; kernel 6.8.0-1021-aws; build 10.0.22631.4460.",
		"Total: €1.234.567,89 (was €1.234.567.890.123,00); $4,111,111,111,111.11.",
		"Prices: 4.111.111.111.111.111 ₫ and 5.555.555.555.554.444 ₫", // dots for thousands, digits a card's
		"Due 08.12.2026, paid 2026.12.08 at 01:34:37.123456789.",
		"Server 192.168.100.200:8443 and 10.0.0.1.",
		"Call +49 30 123456786 or +49.30.1234.56786 or +1 (555) 123-4567 or 555.123.4567.", // digits pass Luhn, prefix 4
		"Tracking 1Z999AA10123456784; order 2026-03-01-000123; ISBN 978-3-16-148410-0.",
		"Coordinates 48.8566, 2.3522; pi is 3.14159265358979.",
		"4111.111.1111.1111 (a three-digit group between dots)",
		"Version 4111.1111.11 is out.",
	} {
		if got := found(text); got != nil {
			t.Errorf("CardNumbers(%q) = %q, want none", text, got)
		}
	}
}
