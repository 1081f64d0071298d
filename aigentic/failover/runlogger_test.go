package failover_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Without WithLogger, a move to the next model inside an agent run is
// logged with the run's logger: the agent's handler, with the run's ids.
func TestMoveLoggedWithTheRunsLogger(t *testing.T) {
	primary := aitest.Inject(offline.NewModel()).FailNext(aitest.StatusError(503, 0))
	m, err := failover.New([]ai.Model{primary, newFake("backup", "small")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	var buf bytes.Buffer
	agent := aigentic.Agent{Model: m, Name: "desk", Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	if _, err := agent.Execute("hello"); err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "failover: model failed; trying the next") {
			line = l
		}
	}
	if !strings.Contains(line, `"agent":"desk"`) || !strings.Contains(line, `"run":"run_`) {
		t.Fatalf("the move's record %q, want it in the agent's log with the run's ids; log:\n%s", line, buf.String())
	}
}
