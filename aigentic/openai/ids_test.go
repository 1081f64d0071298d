package openai_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Issue 8, input 3 against a strict server: openaitest checks every request
// body against OpenAI's schema and its tool-call rule (each call answered
// once, IDs unique within a message) and fails the test otherwise. The
// provider no longer invents per-answer IDs ("call_0" every turn): it passes
// IDs on as received and the run loop makes them unique in the transcript.
func TestToolCallIDsFromQuirkyServersMakeValidRequests(t *testing.T) {
	for _, q := range []struct {
		name  string
		quirk openaitest.Quirk
	}{
		{"no ids", openaitest.NoToolCallIDs},
		{"one id for every call", openaitest.RepeatedToolCallIDs},
	} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", q.name, stream), func(t *testing.T) {
				model := aitest.NewScripted(
					aitest.CallTools(aitest.Call("get_time", `{"city":"paris"}`), aitest.Call("get_weather", `{"city":"rome"}`)),
					aitest.CallTools(aitest.Call("get_time", `{"city":"oslo"}`)),
					aitest.Reply("done"))
				srv := openaitest.NewServer(t, model, openaitest.WithQuirks(q.quirk))
				var log toolLog
				run, err := testAgent(t, srv.URL(), &log, stream).Start("go")
				if err != nil {
					t.Fatal(err)
				}
				go func() {
					for range run.Next() {
					}
				}()
				if out, err := run.Wait(0); err != nil || out != "done" {
					t.Fatalf("%q, %v (violations %v)", out, err, srv.Violations())
				}
				want := []string{"get_time:paris", "get_weather:rome", "get_time:oslo"}
				if got := log.list(); !slices.Equal(got, want) {
					t.Fatalf("tools ran %v, want %v", got, want)
				}
				ids := map[string]bool{}
				for _, m := range run.Messages() {
					for _, c := range m.ToolCalls {
						if c.ID == "" || ids[c.ID] {
							t.Fatalf("tool call ID %q empty or repeated in the transcript", c.ID)
						}
						ids[c.ID] = true
					}
				}
				if srv.Validated() != 3 || len(srv.Violations()) != 0 {
					t.Fatalf("%d valid requests, violations %v", srv.Validated(), srv.Violations())
				}
			})
		}
	}
}

// Issue 8, input 3: a non-streamed response with two calls sharing one ID.
func TestDuplicateIDsInOneResponse(t *testing.T) {
	srv := openaitest.NewServer(t, aitest.NewScripted(aitest.Reply("done")), openaitest.WithFaults(openaitest.JSONBody(200, completion("", "tool_calls",
		[3]string{"call_dup", "write_file", `{"path":"hello.py"}`},
		[3]string{"call_dup", "write_file", `{"path":"world.py"}`}))))
	var log toolLog
	out, err := testAgent(t, srv.URL(), &log, false).Execute("write both")
	if err != nil || out != "done" {
		t.Fatalf("%q, %v (violations %v)", out, err, srv.Violations())
	}
	if got := log.list(); !slices.Equal(got, []string{"write_file:hello.py", "write_file:world.py"}) {
		t.Fatalf("tools ran %v", got)
	}
	if len(srv.Violations()) != 0 || srv.Validated() != 2 {
		t.Fatalf("violations %v", srv.Violations())
	}
}
