package openai_test

import (
	"slices"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// An agent runs unchanged against a server with every quirk at once —
// parallel calls streamed at one index without ids, "error": null on every
// chunk, usage on the finish chunk, no [DONE] and a connection held open —
// as an example program would through OPENAI_BASE_URL.
func TestAgentOnAServerWithEveryQuirk(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{true, false} {
		model := aitest.NewScripted(
			aitest.CallTools(aitest.Call("write_file", `{"path":"hello.py"}`), aitest.Call("write_file", `{"path":"world.py"}`)),
			aitest.CallTools(aitest.Call("get_time", `{"city":"paris"}`)),
			aitest.Reply("both written"))
		srv := openaitest.NewServer(t, model, openaitest.WithQuirks(openaitest.ToolCallsAtOneIndex, openaitest.NoToolCallIDs,
			openaitest.NullErrorField, openaitest.UsageInFinishChunk, openaitest.NoDoneMarker))
		var log toolLog
		agent := testAgent(t, srv.URL(), &log, stream)
		agent.RetryPolicy.AttemptTimeout = time.Hour // a held-open stream must not need it
		run, err := agent.Start("write hello.py and world.py")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range run.Next() {
			}
		}()
		out, err := run.Wait(0)
		if err != nil || out != "both written" {
			t.Fatalf("stream=%v: %q, %v (violations %v)", stream, out, err, srv.Violations())
		}
		if got, want := log.list(), []string{"write_file:hello.py", "write_file:world.py", "get_time:paris"}; !slices.Equal(got, want) {
			t.Fatalf("stream=%v: tools ran %v, want %v", stream, got, want)
		}
		s := run.Stats()
		if s.LLMCalls != 3 || s.Retries != 0 || s.InputTokens != 30 || srv.Hits() != 3 || srv.Validated() != 3 {
			t.Fatalf("stream=%v: stats %+v, %d requests (%d valid)", stream, s, srv.Hits(), srv.Validated())
		}
	}
}
