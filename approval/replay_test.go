package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/golden"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/replay"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// recordedRequest is the request the recordings under testdata/ were made
// with: stated here, not taken from defaultQuestion, so that a new default
// does not invalidate them.
const recordedRequest = `Send an email to alice@example.com with subject "Quarterly report" saying "The Q3 report is ready for review."`

// TestRecordedLlamaServer replays what a real llama.cpp llama-server
// (v0.5.0-dev, commit de3ff81, the tiny tool-calling model of
// ../shared/realserver, --alias tiny-qwen --temp 0) answered, with the
// approval denied and approved. The model asks for send_email with
// junk-but-schema-valid arguments: the run must stop for approval either
// way; denied, the tool never runs; approved, it runs and refuses the
// junk address; nothing is sent; the model then answers. Recorded with:
//
//	env -u OPENAI_API_KEY AIGENTIC_RECORD=record OPENAI_BASE_URL=http://127.0.0.1:18089/v1 OPENAI_MODEL=tiny-qwen \
//	  go test -run 'TestRecordedLlamaServer' ./approval -update
func TestRecordedLlamaServer(t *testing.T) {
	for _, approve := range []bool{false, true} {
		name := map[bool]string{false: "denied", true: "approved"}[approve]
		t.Run(name, func(t *testing.T) {
			rec := replay.New(t, "testdata/llama-server-"+name+".yaml")
			model, err := rec.OpenAI()
			if err != nil {
				t.Fatal(err)
			}
			box := &outbox{}
			session := aigentic.NewSession(testContext(t))
			defer session.Cancel()
			agent := newAgent(model, session, box, defaultApprovalTimeout)
			agent.Logger = slog.New(slog.DiscardHandler)
			var out bytes.Buffer
			p := cli.NewPrinter(&out, func(string) string { return "" })
			ap := &approver{p: p, approve: approve, timeout: defaultApprovalTimeout, lines: newLineReader(nil), denied: map[string]string{}}
			run, err := agent.Start(recordedRequest)
			if err != nil {
				t.Fatal(err)
			}
			answer, err := p.Follow(run, func(ev aigentic.Event) bool {
				if e, ok := ev.(*aigentic.ApprovalEvent); ok {
					ap.handle(run, e)
					return true
				}
				return false
			})
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			golden.Assert(t, "testdata/llama-server-"+name+".golden", golden.RenderRun(run, answer, err))

			// Computed from what happened: every send_email call was put to
			// a person, and the tool ran only when approved.
			calls := 0
			for _, m := range run.Messages() {
				if m.Role == ai.RoleAssistant {
					for _, tc := range m.ToolCalls {
						if tc.Name == "send_email" {
							calls++
						}
					}
				}
			}
			if calls == 0 {
				t.Fatalf("the recording holds no send_email call:\n%s", out.String())
			}
			if n := strings.Count(out.String(), "Approval needed for send_email"); n != calls {
				t.Errorf("%d approval requests for %d calls:\n%s", n, calls, out.String())
			}
			wantRuns := 0
			if approve {
				wantRuns = calls
			}
			if box.Runs() != wantRuns {
				t.Errorf("the tool ran %d times, want %d (approve=%v)", box.Runs(), wantRuns, approve)
			}
			// The tiny model's address is junk: the tool refuses it, so the
			// outbox stays empty even when approved.
			if len(box.Sent()) != 0 {
				t.Errorf("sent %v", box.Sent())
			}
			if answer == "" {
				t.Errorf("no answer:\n%s", out.String())
			}
		})
	}
}
