package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// Demo 7's verdict is computed from the orders looked up: the setup
// "held" only when they are the ones the question names; another order,
// a missed one, or a question naming none is said, not called held.
func TestDemo7ChecksWhichOrderWasLookedUp(t *testing.T) {
	t.Parallel()
	naive := func(t *testing.T) map[string]string { _, env := naiveServer(t, aitest.NaiveOptions{}); return env }
	cases := []struct {
		name string
		args []string
		env  func(*testing.T) map[string]string
		want string
		held bool
	}{
		{"offline, the order asked", []string{"-demo", "7"}, nil, "1 tool call (order 1043, as asked)", true},
		{"offline, another question", []string{"-demo", "7", "-q", "Where is order 1042?"}, nil, "(order 1042, as asked)", true},
		{"offline, two orders", []string{"-demo", "7", "-q", "Where are order 1042 and order 1043?"}, nil, "(orders 1042, 1043, as asked)", true},
		{"naive looks up order 1", []string{"-demo", "7"}, naive,
			"– 7 not shown: the model looked up order 1, which the question did not ask about, and it did not look up order 1043, which the question asked about", false},
		{"no order number asked", []string{"-demo", "7", "-q", "Where is my parcel?"}, naive,
			"– 7 not shown: the question names no order number, so which order the model looked up could not be checked", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var env map[string]string
			if c.env != nil {
				env = c.env(t)
			}
			r := runTest(t, c.args, env)
			if r.err != nil {
				t.Fatalf("run: %v\n%s", r.err, r.out)
			}
			mustContain(t, r.out, c.want)
			if held := strings.Contains(r.out, "the production setup held"); held != c.held {
				t.Errorf("held = %t, want %t:\n%s", held, c.held, r.out)
			}
		})
	}
}

func TestAskedOrdersAndMismatch(t *testing.T) {
	t.Parallel()
	for q, want := range map[string][]string{
		defaultQuestion:                         {"1043"},
		"Where are order 1042 and order #1043?": {"1042", "1043"},
		"Order 01043, again order 1043":         {"1043"},
		"Where is my parcel?":                   nil,
		"order 99999999999999999999999":         nil,
	} {
		if got := askedOrders(q); !slices.Equal(got, want) {
			t.Errorf("askedOrders(%q) = %q, want %q", q, got, want)
		}
	}
	w := &lookupWatch{ids: []string{lookedUpID(`{"order_id":1043}`), lookedUpID(`{"order_id": 1042.0}`), lookedUpID(`not json`)}}
	if got := w.ids; !slices.Equal(got, []string{"1043", `"{\"order_id\": 1042.0}"`, `"not json"`}) {
		t.Errorf("ids = %q", got)
	}
	if d := (&lookupWatch{ids: []string{"1043"}}).mismatch([]string{"1043"}); d != "" {
		t.Errorf("same orders: mismatch %q", d)
	}
	if d := (&lookupWatch{ids: []string{"1042"}}).mismatch([]string{"1042", "1043"}); d != "it did not look up order 1043, which the question asked about" {
		t.Errorf("a missed order: mismatch %q", d)
	}
}
