package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// The marks every example prints before a step of a run.
const (
	ArrowCall   = "→" // a tool call the model asked for
	ArrowResult = "←" // a tool's result
	MarkError   = "✗" // a tool's error result, or a failure
	MarkRetry   = "↻" // a retry after a transient failure
	MarkOK      = "✓" // a verdict that holds
	MarkNotSeen = "–" // a pattern the model did not let happen
)

// Printer writes an example's story: headings and verdicts in colour on a
// terminal (plain when NO_COLOR is set or standard output is not a
// terminal), a run's events with the shared marks, and the runtime's log
// records — when asked for — dimmed and indented after each run's events,
// so they never cut into the story. Text it is given to print — format
// arguments, prompts, streamed answers — has its control characters
// escaped ([Safe]): a model or a server cannot move the cursor or hide
// what is shown. It is safe for concurrent use.
type Printer struct {
	mu                    sync.Mutex
	out                   io.Writer
	head, ok, fail, faint *color.Color
	// Indent prefixes events and log records ("" by default).
	Indent string
	log    *heldLog
}

// NewPrinter returns a printer on out; getenv reads NO_COLOR.
func NewPrinter(out io.Writer, getenv func(string) string) *Printer {
	p := &Printer{
		out:   out,
		head:  color.New(color.FgCyan, color.Bold),
		ok:    color.New(color.FgGreen, color.Bold),
		fail:  color.New(color.FgRed, color.Bold),
		faint: color.New(color.Faint),
	}
	plain := getenv("NO_COLOR") != "" || !isTerminal(out)
	for _, c := range []*color.Color{p.head, p.ok, p.fail, p.faint} {
		if plain {
			c.DisableColor()
		} else {
			c.EnableColor()
		}
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Writer is the printer's output, for text written without it (a JSON
// log line, a table).
func (p *Printer) Writer() io.Writer { return p.out }

func (p *Printer) write(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.out, s)
}

// Title writes a heading.
func (p *Printer) Title(format string, args ...any) {
	p.write(p.head.Sprintf(format, safeArgs(args)...) + "\n")
}

// Line writes one line.
func (p *Printer) Line(format string, args ...any) {
	p.write(fmt.Sprintf(format, safeArgs(args)...) + "\n")
}

// Prompt writes s with no line end: a question waiting for an answer.
func (p *Printer) Prompt(s string) { p.write(Safe(s, false)) }

// Say writes one line, indented by Indent.
func (p *Printer) Say(format string, args ...any) {
	p.write(p.Indent + fmt.Sprintf(format, safeArgs(args)...) + "\n")
}

// Faint writes one dimmed line, indented by Indent.
func (p *Printer) Faint(format string, args ...any) {
	p.write(p.Indent + p.faint.Sprintf(format, safeArgs(args)...) + "\n")
}

// Good writes a verdict that holds, in green.
func (p *Printer) Good(format string, args ...any) {
	p.write(p.Indent + p.ok.Sprintf(MarkOK+" "+format, safeArgs(args)...) + "\n")
}

// NotSeen writes, plainly and dimmed, that a pattern could not be shown.
func (p *Printer) NotSeen(format string, args ...any) {
	p.write(p.Indent + p.faint.Sprintf(MarkNotSeen+" "+format, safeArgs(args)...) + "\n")
}

// Bad writes a verdict that does not hold, in red.
func (p *Printer) Bad(format string, args ...any) {
	p.write(p.Indent + p.fail.Sprintf(MarkError+" "+format, safeArgs(args)...) + "\n")
}

// Event writes one event of a run: a tool call, its result, a retry or a
// streamed fragment of the answer. Other events are not printed.
func (p *Printer) Event(ev aigentic.Event) {
	switch e := ev.(type) {
	case *aigentic.ToolEvent:
		p.Say("  %s %s %s", ArrowCall, e.ToolName, Clip(e.Arguments, 100))
	case *aigentic.ToolResponseEvent:
		text := Clip(aigentic.Redact(e.Result.String()), 100)
		if e.Error {
			p.Say("  %s %s error result: %s", MarkError, e.ToolName, text)
		} else {
			p.Say("  %s %s: %s", ArrowResult, e.ToolName, text)
		}
	case *aigentic.RetryEvent:
		p.Say("  %s %s, attempt %d failed: %s; retrying in %s", MarkRetry, e.Step, e.Attempt, Redacted(e.Err), e.Delay.Round(time.Millisecond))
	case *aigentic.ContentEvent:
		if e.Delta {
			p.write(Safe(e.Content, true))
		}
	}
}

// Answer writes a model's answer, indented: at most 8 lines of at most
// 110 characters each.
func (p *Printer) Answer(s string) {
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if n++; n > 8 {
			p.Say("  …")
			return
		}
		p.Say("  %s", Clip(l, 110))
	}
}

// Follow prints run's events as they arrive — each goes to handle first,
// which returns true when it printed the event itself — then waits for
// the run, prints the log records it left, and returns its outcome.
func (p *Printer) Follow(run *aigentic.AgentRun, handle func(aigentic.Event) bool) (string, error) {
	for ev := range run.Next() {
		if handle == nil || !handle(ev) {
			p.Event(ev)
		}
	}
	answer, err := run.Wait(0)
	p.FlushLog()
	return answer, err
}

// Logger is the logger to set as Agent.Logger: records at c.Level and
// above are held and printed by FlushLog when c.Show, discarded otherwise
// (never left to slog.Default()).
func (p *Printer) Logger(c LogConfig) *slog.Logger {
	if !c.Show {
		return slog.New(slog.DiscardHandler)
	}
	p.mu.Lock()
	if p.log == nil {
		p.log = &heldLog{}
	}
	h := p.log
	p.mu.Unlock()
	return slog.New(slog.NewTextHandler(h, &slog.HandlerOptions{
		Level: c.Level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// FlushLog prints the log records held since the last flush, dimmed and
// indented, in the order they were written.
func (p *Printer) FlushLog() {
	p.mu.Lock()
	h := p.log
	p.mu.Unlock()
	if h == nil {
		return
	}
	for _, l := range h.take() {
		p.Faint("  log: %s", aigentic.Redact(l))
	}
}

// heldLog holds formatted records until they are printed: slog's text
// handler writes each record with one Write call.
type heldLog struct {
	mu      sync.Mutex
	records []string
}

func (h *heldLog) Write(b []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// take returns the records held, oldest first, and forgets them.
func (h *heldLog) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.records
	h.records = nil
	return r
}

// Clip shortens s to n runes on one line.
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Redacted is err's text with credentials removed (aigentic.Redact): the
// form in which examples print errors.
func Redacted(err error) string {
	if err == nil {
		return "<nil>"
	}
	return aigentic.Redact(err.Error())
}

// PrintError writes main's one "error:" line, redacted.
func PrintError(w io.Writer, err error) {
	fmt.Fprintln(w, "error:", Safe(Redacted(err), false))
}
