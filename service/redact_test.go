package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// authHeaderKey carries the Authorization header the gateway received to
// the model behind it.
type authHeaderKey struct{}

// echoModel is a provider or gateway that echoes the Authorization header
// it received: into a tool call's arguments on its first turn and into
// its answer on its second, with usage like a real server's.
type echoModel struct {
	mu   sync.Mutex
	seen []string
}

func (m *echoModel) ModelName() string { return "echo" }

func (m *echoModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "echo"}, nil
}

func (m *echoModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	auth, _ := ctx.Value(authHeaderKey{}).(string)
	m.mu.Lock()
	m.seen = append(m.seen, auth)
	m.mu.Unlock()
	usage := ai.Usage{InputTokens: 10, OutputTokens: 5}
	for _, msg := range req.Messages {
		if msg.Role == ai.RoleTool {
			return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant,
				Content: "Done. For the record, your gateway saw the header " + auth}}, nil
		}
	}
	args := fmt.Sprintf(`{"subject":"escalate: %s"}`, auth)
	return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, Content: "Opening a ticket (" + auth + ")",
		ToolCalls: []ai.ToolCall{{ID: "call_1", Name: "open_ticket", Arguments: args}}}}, nil
}

// echoGateway serves the OpenAI API with an echoModel behind it.
func echoGateway(t *testing.T) (*echoModel, string) {
	m := &echoModel{}
	srv := openaitest.NewServer(t, m)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authHeaderKey{}, r.Header.Get("Authorization"))))
	}))
	t.Cleanup(gw.Close)
	return m, gw.URL + "/v1"
}

// Issue 19: a provider that echoes the Authorization header got
// OPENAI_API_KEY returned by POST /v1/runs, GET /v1/jobs/{id} (answer and
// steps), the event stream, and stored in the database. Now every one of
// them is redacted with the registry logs and spans use: the key is in no
// response, no event, no row of any table, no log line.
func TestSecretsNeverComeBackOut(t *testing.T) { secretsTest(t) }

// The same on PostgreSQL.
func TestSecretsNeverComeBackOutOnPostgres(t *testing.T) { secretsTest(t, "-db", postgresURL(t)) }

func secretsTest(t *testing.T, args ...string) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	apiKey := "sk-echo-" + hex.EncodeToString(b[:])
	model, baseURL := echoGateway(t)
	env := map[string]string{"OPENAI_API_KEY": apiKey, "OPENAI_BASE_URL": baseURL, "OPENAI_MODEL": "gpt-test"}
	ts := startServiceWith(t, options{getenv: func(k string) string { return env[k] }}, args...)

	var served []string
	run := ts.do(t, "POST", "/v1/runs", "", "", `{"query":"open a ticket"}`)
	served = append(served, run.raw)
	job := ts.do(t, "POST", "/v1/jobs", "", "", `{"query":"open a ticket"}`)
	done := ts.waitJob(t, "", job.body["id"], "completed")
	served = append(served, done.raw)
	events := readSSE(t, ts.url+jobPath(job.body["id"], "/events"), "")
	served = append(served, fmt.Sprint(events))

	model.mu.Lock()
	seen := strings.Join(model.seen, "\n")
	model.mu.Unlock()
	if !strings.Contains(seen, apiKey) {
		t.Fatalf("the gateway never saw the key (%q): the test checks nothing", seen)
	}
	if run.status != 200 || !strings.Contains(run.raw, "your gateway saw the header Bearer [REDACTED]") || !strings.Contains(done.raw, `escalate: Bearer [REDACTED]`) {
		t.Fatalf("the echo did not come back redacted:\nrun %s\njob %s", run.raw, done.raw)
	}
	for _, s := range served {
		if strings.Contains(s, apiKey) || strings.Contains(s, apiKey[8:]) {
			t.Fatalf("the key was served:\n%s", s)
		}
	}
	rows := dumpTables(t, ts.db.sql, "aigentic_run", "aigentic_ticket", "aigentic_job", "aigentic_reservation", "aigentic_tenant_usage", "river_job")
	if !strings.Contains(rows, "[REDACTED]") {
		t.Fatalf("no redacted text in the database: the dump missed the rows\n%s", rows)
	}
	if strings.Contains(rows, apiKey[8:]) {
		t.Fatalf("the key is stored in the database:\n%s", rows)
	}
	if strings.Contains(ts.logs.String(), apiKey[8:]) {
		t.Fatal("the key is in the log")
	}
}

// dumpTables returns every row of the tables as text.
func dumpTables(t *testing.T, db *sql.DB, tables ...string) string {
	t.Helper()
	var out strings.Builder
	for _, table := range tables {
		rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%s:", table)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&out, " %v", v)
			}
			out.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out.String()
}

// A parked call's every text is redacted before it is stored: a
// gateway that echoed the key into the model's tool call (arguments,
// ids), or a tool's Validate message quoting them, must not put it in the
// checkpoint the service keeps and serves.
func TestParkedCallIsRedacted(t *testing.T) {
	const key = "sk-parked-0123456789abcdef0123"
	secret.Register(key)
	cp := &aigentic.Checkpoint{Pending: &aigentic.PendingApproval{
		ID:               "call_" + key,
		Call:             ai.ToolCall{ID: "call_" + key, Name: "issue_refund", Arguments: `{"note":"` + key + `"}`},
		Args:             map[string]any{"note": key, "nested": []any{map[string]any{key: key}}},
		Message:          "will refund; note " + key,
		Values:           map[string]any{"note": key},
		ValidationErrors: []string{"note: " + key},
	}}
	b, err := json.Marshal(redactCheckpoint(cp))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), key) || !strings.Contains(string(b), "issue_refund") {
		t.Fatalf("the stored checkpoint: %s", b)
	}
	if !strings.Contains(cp.Pending.Message, key) {
		t.Fatal("the run's own checkpoint was changed")
	}
}
