package aigentic_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// Stats and the run's log record name the model that answered: the
// response's own names when it gives them (a dated version, a failover
// list's fallback), else the agent's model and provider.
func TestStatsNameTheModelThatAnswered(t *testing.T) {
	dated := &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "hi"}, Model: "gpt-4o-2024-08-06", Provider: "azure.ai.openai"}
	for _, tc := range []struct {
		name                string
		step                aitest.Step
		wantModel, wantProv string
		wantLog             string // "" means no response_model attribute
	}{
		{"named by the response", aitest.Step{Response: dated}, "gpt-4o-2024-08-06", "azure.ai.openai", "response_model=azure.ai.openai/gpt-4o-2024-08-06"},
		{"named by nobody", aitest.Reply("hi"), "", "aitest", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			model := aitest.NewScripted(tc.step)
			var logs bytes.Buffer
			agent := aigentic.Agent{Model: model, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			run, err := agent.Start("hello")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := run.Wait(0); err != nil {
				t.Fatal(err)
			}
			wantModel := tc.wantModel
			if wantModel == "" {
				wantModel = model.ModelName()
			}
			st := run.Stats()
			if st.ResponseModel != wantModel || st.ResponseProvider != tc.wantProv {
				t.Errorf("Stats name %q/%q, want %q/%q", st.ResponseProvider, st.ResponseModel, tc.wantProv, wantModel)
			}
			got := strings.Contains(logs.String(), "response_model=")
			if tc.wantLog == "" && got || tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("log record %q, want response_model %q", logs.String(), tc.wantLog)
			}
		})
	}
}
