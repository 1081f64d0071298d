package main

import (
	"fmt"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// TestMaxTurns: a chat gives a run the newest maxTurns (50) turns of its
// conversation, whole, and the store keeps no more: with 55 stored, the
// run is given turns 6–55, and after it the store holds the newest 50
// (turns 7–55 and the new one). Without the cap the run is given all 55
// and the store keeps growing.
func TestMaxTurns(t *testing.T) {
	store := conversation.NewMemoryStore()
	const stored = maxTurns + 5
	for i := range stored {
		if err := store.Append(t.Context(), "ana", []ai.Message{
			{Role: ai.RoleUser, Content: fmt.Sprintf("question %d", i+1)},
			{Role: ai.RoleAssistant, Content: fmt.Sprintf("answer %d", i+1)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	compactor, err := window.New(windowOptions(defaultWindow))
	if err != nil {
		t.Fatal(err)
	}
	c, err := newChat(aitest.NewScripted(aitest.Reply("Noted.")), store, "ana", compactor)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ask(t.Context(), c, "question 56")
	if err != nil {
		t.Fatal(err)
	}
	if n := turns(r.History); n != maxTurns || r.History[0].Content != "question 6" {
		t.Errorf("the run was given %d turns from %q; want the newest %d, from \"question 6\"", n, r.History[0].Content, maxTurns)
	}
	all, err := conversation.New(store, "ana", conversation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := all.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := turns(kept); n != maxTurns || kept[0].Content != "question 7" || lastQuestion(kept) != "question 56" {
		t.Errorf("the store keeps %d turns, from %q to %q; want the newest %d, from \"question 7\" to \"question 56\"", n, kept[0].Content, lastQuestion(kept), maxTurns)
	}
}
