package guard_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// page is a 4 KB web page's text, in lines: prices, versions, dates,
// phone numbers — what the guards read in a tool result.
var page = strings.Repeat("Prices rose 3% today (from $1,234.56 to €1.271,60).\nRelease 1.24.3 shipped on 08.12.2026; call +44 20 7946 0958.\nSee the table above, and the notes below.\n", 27)

// The card and injection guards on a page with nothing to find: the cost
// every tool result pays.
func BenchmarkCreditCardsPage(b *testing.B) {
	g, s := guard.CreditCards(), guard.Subject{Point: guard.PointToolResult, Text: page}
	for b.Loop() {
		if v, _ := g.Check(context.Background(), s); v.Action != guard.ActionPass {
			b.Fatal(v)
		}
	}
}

func BenchmarkInjectionPage(b *testing.B) {
	g, s := guard.Injection(), guard.Subject{Point: guard.PointToolResult, Text: page, Untrusted: true}
	for b.Loop() {
		if v, _ := g.Check(context.Background(), s); v.Action != guard.ActionPass {
			b.Fatal(v)
		}
	}
}
