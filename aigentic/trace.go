package aigentic

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Trace records runs in readable text files, one file per run: every model
// call (messages sent, tools offered, the response, duration, usage, every
// retry and its error), every tool call (arguments, result, error flag,
// duration) and the outcome. Files are created 0600 in a 0700 directory,
// and every line passes through [Redact], so no API key or Authorization
// header reaches them. A write failure logs a warning and stops the trace
// of that run; it never fails the run.
//
// One Trace may be shared by many runs, concurrently.
type Trace struct {
	// SessionID identifies this trace: every file it writes names it.
	SessionID string
	// Directory is where files go; NewTrace sets DefaultTraceDir().
	Directory string

	mu    sync.Mutex
	files []string
}

// DefaultTraceDir is os.TempDir()/aigentic-traces.
func DefaultTraceDir() string { return filepath.Join(os.TempDir(), "aigentic-traces") }

// NewTrace returns a trace writing to DefaultTraceDir().
func NewTrace() *Trace {
	return &Trace{SessionID: newID("trc"), Directory: DefaultTraceDir()}
}

// Files returns the paths of the files this trace has created, in order.
func (t *Trace) Files() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.files...)
}

// open creates the run's file: trace_<YYYYMMDDHHMMSS>.txt, or with a _N
// suffix when that name is taken, so concurrent runs never share a file.
func (t *Trace) open(now time.Time) (*traceRun, error) {
	dir := t.Directory
	if dir == "" {
		dir = DefaultTraceDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("trace directory: %w", err)
	}
	if dir == DefaultTraceDir() {
		_ = os.Chmod(dir, 0o700)
	}
	stamp := now.Format("20060102150405")
	for n := 1; n <= 10000; n++ {
		name := "trace_" + stamp + ".txt"
		if n > 1 {
			name = fmt.Sprintf("trace_%s_%d.txt", stamp, n)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("trace file: %w", err)
		}
		t.mu.Lock()
		t.files = append(t.files, path)
		t.mu.Unlock()
		return &traceRun{f: f, w: bufio.NewWriter(f), path: path}, nil
	}
	return nil, fmt.Errorf("trace file: no free name for %s in %s", stamp, dir)
}

// traceRun writes one run's file. Its methods are called from the run's
// goroutine only.
type traceRun struct {
	f      *os.File
	w      *bufio.Writer
	path   string
	failed bool
	logger *slog.Logger
}

func (tr *traceRun) printf(format string, args ...any) {
	if tr == nil || tr.failed {
		return
	}
	_, _ = tr.w.WriteString(Redact(fmt.Sprintf(format, args...)))
}

// flush ends a section; a failure disables the trace with one warning.
func (tr *traceRun) flush() {
	if tr == nil || tr.failed {
		return
	}
	if err := tr.w.Flush(); err != nil {
		tr.fail(err)
	}
}

func (tr *traceRun) fail(err error) {
	tr.failed = true
	if tr.logger != nil {
		tr.logger.Warn("trace write failed; tracing of this run stopped", "trace_file", tr.path, "error", err)
	}
}

func (tr *traceRun) close() {
	if tr == nil {
		return
	}
	tr.flush()
	if err := tr.f.Close(); err != nil && !tr.failed {
		tr.fail(err)
	}
}

func (tr *traceRun) header(t *Trace, r *AgentRun) {
	tr.printf("=== aigentic trace ===\ntrace session: %s\nsession: %s\nrun: %s\nagent: %s\nmodel: %s\nstarted: %s\nmax_llm_calls: %d\nretries: %d\n\n",
		t.SessionID, r.session.ID, r.id, r.agent.Name, r.agent.Model.ModelName(),
		r.stats.Started.Format(time.RFC3339Nano), r.maxCalls, r.agent.Retries)
	tr.flush()
}

func (tr *traceRun) modelRequest(call, attempt int, req *ai.Request) {
	if tr == nil || tr.failed {
		return
	}
	tr.printf("--- LLM call %d, attempt %d ---\n", call, attempt)
	if len(req.Tools) > 0 {
		names := make([]string, len(req.Tools))
		for i, t := range req.Tools {
			names[i] = t.Name
		}
		tr.printf("tools offered: %s\n", strings.Join(names, ", "))
	}
	tr.printf("messages sent (%d):\n", len(req.Messages))
	for _, m := range req.Messages {
		tr.printf("%s", formatMessage(m))
	}
	tr.flush()
}

func (tr *traceRun) modelResponse(call, attempt int, resp *ai.Response, d time.Duration) {
	if tr == nil || tr.failed {
		return
	}
	tr.printf("response of LLM call %d, attempt %d: ok in %s, tokens in=%d out=%d, finish=%s\n",
		call, attempt, d, resp.Usage.InputTokens, resp.Usage.OutputTokens, resp.FinishReason)
	tr.printf("%s\n", formatMessage(resp.Message))
	tr.flush()
}

func (tr *traceRun) modelError(call, attempt int, err error, d time.Duration, retryIn time.Duration, willRetry bool) {
	if tr == nil || tr.failed {
		return
	}
	if willRetry {
		tr.printf("LLM call %d, attempt %d failed after %s: %v\n  retrying in %s\n\n", call, attempt, d, err, retryIn)
	} else {
		tr.printf("LLM call %d, attempt %d failed after %s: %v\n\n", call, attempt, d, err)
	}
	tr.flush()
}

func (tr *traceRun) toolCall(tc ai.ToolCall, attempt int) {
	if tr == nil || tr.failed {
		return
	}
	tr.printf("--- tool call %s (%s), attempt %d ---\narguments: %s\n", tc.Name, tc.ID, attempt, tc.Arguments)
	tr.flush()
}

func (tr *traceRun) toolResult(tc ai.ToolCall, res *ai.ToolResult, d time.Duration) {
	if tr == nil || tr.failed {
		return
	}
	tr.printf("result (error=%t, %s):\n%s\n\n", res.Error, d, indent(res.String()))
	tr.flush()
}

func (tr *traceRun) toolFailure(tc ai.ToolCall, err error, d time.Duration, retryIn time.Duration, willRetry bool) {
	if tr == nil || tr.failed {
		return
	}
	if willRetry {
		tr.printf("tool %s failed after %s: %v\n  retrying in %s\n\n", tc.Name, d, err, retryIn)
	} else {
		tr.printf("tool %s failed after %s: %v\n\n", tc.Name, d, err)
	}
	tr.flush()
}

func (tr *traceRun) note(format string, args ...any) {
	if tr == nil || tr.failed {
		return
	}
	tr.printf(format, args...)
	tr.flush()
}

func (tr *traceRun) outcome(s Stats, result string, err error) {
	if tr == nil || tr.failed {
		return
	}
	if err != nil {
		tr.printf("=== outcome: error ===\nerror: %v\n", err)
	} else {
		tr.printf("=== outcome: success ===\nanswer:\n%s\n", indent(result))
	}
	tr.printf("duration: %s\nllm_calls: %d\nretries: %d\ntool_calls: %d\ntool_errors: %d\ntokens_in: %d\ntokens_out: %d\n",
		s.Duration, s.LLMCalls, s.Retries, s.ToolCalls, s.ToolErrors, s.InputTokens, s.OutputTokens)
}

func formatMessage(m ai.Message) string {
	var b strings.Builder
	switch m.Role {
	case ai.RoleTool:
		fmt.Fprintf(&b, "  [tool %s %s", m.Name, m.ToolCallID)
		if m.IsError {
			b.WriteString(" error")
		}
		b.WriteString("]\n")
	default:
		fmt.Fprintf(&b, "  [%s]\n", m.Role)
	}
	if m.Content != "" {
		b.WriteString(indent(m.Content))
		b.WriteByte('\n')
	}
	for _, tc := range m.ToolCalls {
		fmt.Fprintf(&b, "    tool call %s %s %s\n", tc.ID, tc.Name, tc.Arguments)
	}
	return b.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// TraceSummary is what [ReadTraceSummary] learns from a trace file.
type TraceSummary struct {
	Path      string
	Run       string
	Agent     string
	LLMCalls  int
	Attempts  int
	ToolCalls int
	// Outcome is "success" or "error".
	Outcome  string
	Duration string
	Tokens   string
}

// ReadTraceSummary reads a trace file back and counts what it recorded.
func ReadTraceSummary(path string) (TraceSummary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return TraceSummary{}, fmt.Errorf("read trace: %w", err)
	}
	s := TraceSummary{Path: path}
	calls := map[string]bool{}
	var in, out string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "run: "):
			s.Run = strings.TrimPrefix(line, "run: ")
		case strings.HasPrefix(line, "agent: "):
			s.Agent = strings.TrimPrefix(line, "agent: ")
		case strings.HasPrefix(line, "--- LLM call "):
			s.Attempts++
			f := strings.Fields(line)
			if len(f) > 3 {
				calls[f[3]] = true
			}
		case strings.HasPrefix(line, "--- tool call "):
			// A call counts once: at its first attempt, or when it was
			// not run at all (approval denied or timed out).
			if strings.HasSuffix(line, "attempt 1 ---") || strings.Contains(line, ") not run: ") {
				s.ToolCalls++
			}
		case strings.HasPrefix(line, "=== outcome: "):
			s.Outcome = strings.TrimSuffix(strings.TrimPrefix(line, "=== outcome: "), " ===")
		case strings.HasPrefix(line, "duration: "):
			s.Duration = strings.TrimPrefix(line, "duration: ")
		case strings.HasPrefix(line, "tokens_in: "):
			in = strings.TrimPrefix(line, "tokens_in: ")
		case strings.HasPrefix(line, "tokens_out: "):
			out = strings.TrimPrefix(line, "tokens_out: ")
		}
	}
	s.LLMCalls = len(calls)
	if in != "" {
		s.Tokens = "in=" + in + " out=" + out
	}
	return s, nil
}
