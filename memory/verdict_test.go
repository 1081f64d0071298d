package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// recallOver runs the demo a second time, against a store where an
// earlier (offline) run saved favourite colour = blue, with model behind
// openaitest's fake server.
func recallOver(t *testing.T, model *aitest.Scripted) string {
	t.Helper()
	dir := t.TempDir()
	runOK(t, "-store", dir, "-q", DemoSave)
	srv := openaitest.NewServer(t, model)
	d := testDeps()
	d.getenv = testutil.Getenv(map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": model.ModelName()})
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-store", dir}, &out, d); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	return out.String()
}

// TestRecallVerdictNeedsTheAnswerToUseIt is what the real llama-server's
// tiny model did: it called get_memory, read "favourite colour = blue",
// and answered "The task is complete.". Reading the memory is not using
// it: the verdict must say the answer does not name blue, not ✓.
func TestRecallVerdictNeedsTheAnswerToUseIt(t *testing.T) {
	out := recallOver(t, aitest.NewScripted(
		aitest.CallTools(aitest.Call("get_memory", `{}`)),
		aitest.Reply("The task is complete."),
	))
	want := `– get_memory read what an earlier run saved (favourite colour = blue), but the answer does not name "blue": this model did not use it (The task is complete.).`
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "✓") {
		t.Errorf("a recall is claimed that the answer does not show:\n%s", out)
	}
}

// TestRecallVerdictWhenTheAnswerUsesIt: the answer names the value
// get_memory read (in another case, with punctuation): ✓, naming it.
func TestRecallVerdictWhenTheAnswerUsesIt(t *testing.T) {
	out := recallOver(t, aitest.NewScripted(
		aitest.CallTools(aitest.Call("get_memory", `{"name":"colour"}`)),
		aitest.Reply("Your favourite colour is Blue.\nAnything else?"),
	))
	if want := `✓ The answer used what an earlier run saved: it names "blue", which get_memory read from `; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	// The answer's lines are printed as lines, not as a literal \n.
	if !strings.Contains(out, "[1] Agent: Your favourite colour is Blue.\n    Anything else?\n") || strings.Contains(out, `\n`) {
		t.Errorf("the two-line answer is not printed as two lines:\n%s", out)
	}
}

// TestRecallVerdictAnswerWithoutReading: an answer that names the value
// without get_memory having read it (a guess) is not a recall.
func TestRecallVerdictAnswerWithoutReading(t *testing.T) {
	out := recallOver(t, aitest.NewScripted(aitest.Reply("Blue, I guess.")))
	if !strings.Contains(out, "– The model did not look in its memory") || strings.Contains(out, "✓") {
		t.Errorf("a guess is counted as a recall:\n%s", out)
	}
}

func TestMentions(t *testing.T) {
	for _, c := range []struct {
		text, phrase string
		want         bool
	}{
		{"Your favourite colour is blue.", "blue", true},
		{"BLUE", "blue", true},
		{"It is light blue!", "light blue", true},
		{"a blueprint", "blue", false},
		{"navyblue", "blue", false},
		{"blueprint, then blue", "blue", true},
		{"x", "x", true},
		{"The task is complete.", "x", false},
		{"anything", "", false},
		{"café au lait", "café", true},
	} {
		if got := mentions(c.text, c.phrase); got != c.want {
			t.Errorf("mentions(%q, %q) = %t, want %t", c.text, c.phrase, got, c.want)
		}
	}
}

// TestReadBack: a memory counts as read back only when a get_memory
// result holds its line ("name = value", or "- name = value" in a list):
// a result that holds another value, another memory, only the value, or
// nothing of it does not count.
func TestReadBack(t *testing.T) {
	saved := []memstore.Entry{{Name: "favourite colour", Value: "blue"}, {Name: "pet", Value: "a cat"}}
	for _, c := range []struct {
		reads []string
		want  []string // the names read back
	}{
		{nil, nil},
		{[]string{""}, nil},
		{[]string{`No memory named "colour". Saved names: "favourite colour", "pet".`}, nil},
		{[]string{"favourite colour = green"}, nil},
		{[]string{"blue"}, nil},
		{[]string{"favourite colour = blue, and more"}, nil},
		{[]string{"favourite colour = blue"}, []string{"favourite colour"}},
		{[]string{"Memories:\n- pet = a cat\n- city = Oslo"}, []string{"pet"}},
		{[]string{"nothing", "  - favourite colour = blue  \n- pet = a cat"}, []string{"favourite colour", "pet"}},
	} {
		var got []string
		for _, e := range readBack(saved, c.reads) {
			got = append(got, e.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("readBack(%q) = %q, want %q", c.reads, got, c.want)
		}
	}
}
