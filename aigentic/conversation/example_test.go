package conversation_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
)

// A chat service keeps each user's conversation in a FileStore; after a
// restart, the same directory resumes it.
func Example() {
	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	// One question, as the service answers it: the user's conversation
	// from the store, at most 20 turns of it, as the session's history.
	ask := func(question string, model *aitest.Scripted) {
		store, err := conversation.OpenFileStore(filepath.Join(dir, "conversations"), conversation.FileLimits{})
		if err != nil {
			fmt.Println(err)
			return
		}
		conv, err := conversation.New(store, "ana", conversation.Options{MaxTurns: 20})
		if err != nil {
			fmt.Println(err)
			return
		}
		session := aigentic.NewSession(context.Background())
		session.History = conv
		answer, err := aigentic.Agent{Model: model, Instructions: "Be brief.", Session: session,
			Logger: slog.New(slog.DiscardHandler)}.Execute(question)
		fmt.Println(answer, err)
	}

	ask("My name is Ana.", aitest.NewScripted(aitest.Reply("Hello, Ana.")))
	// … the service restarts …
	model := aitest.NewScripted(aitest.Reply("You are Ana."))
	ask("What is my name?", model)
	for _, m := range model.Requests()[0].Messages {
		fmt.Printf("  %s: %s\n", m.Role, m.Content)
	}
	// Output:
	// Hello, Ana. <nil>
	// You are Ana. <nil>
	//   system: Be brief.
	//   user: My name is Ana.
	//   assistant: Hello, Ana.
	//   user: What is my name?
}
