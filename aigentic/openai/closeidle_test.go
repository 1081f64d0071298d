package openai_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// readLoops counts the HTTP client connections alive in the process (one
// net/http persistConn.readLoop goroutine each).
func readLoops() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "net/http.(*persistConn).readLoop")
}

// CloseIdleConnections closes the kept-alive connection of the shared
// default client while its server still runs: no goroutine of it is left
// for a goleak check.
func TestCloseIdleConnections(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("hi")))
	m := openai.NewModel("gpt-4o-mini", testKey, openai.WithBaseURL(srv.URL()))
	if _, err := m.Generate(context.Background(), ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}}); err != nil {
		t.Fatal(err)
	}
	if readLoops() == 0 {
		t.Fatal("no kept-alive connection after a call: nothing to close")
	}
	m.CloseIdleConnections()
	for deadline := time.Now().Add(10 * time.Second); readLoops() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still alive after CloseIdleConnections", readLoops())
		}
	}
	var none *openai.Model
	none.CloseIdleConnections() // a nil model: nothing to close, no panic
}
