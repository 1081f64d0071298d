package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runApp runs the program on env and returns what it printed.
func runApp(t *testing.T, ctx context.Context, getenv func(string) string, args ...string) (string, error) {
	t.Helper()
	var out testutil.SyncBuffer
	err := runWith(ctx, args, &out, system{getenv: getenv, userConfigDir: func() (string, error) {
		return "", errors.New("no config directory in tests")
	}})
	return out.String(), err
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func mustNotContain(t *testing.T, out string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(out, w) {
			t.Errorf("output has %q\n--- output ---\n%s", w, out)
		}
	}
}

// storedConversation is conversation id in dir, read as a new process
// would.
func storedConversation(t *testing.T, dir, id string) []ai.Message {
	t.Helper()
	store, err := conversation.OpenFileStore(dir, conversation.FileLimits{})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := conversation.New(store, id, conversation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := conv.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// What every run shows whatever the model: the compactor at work, the
// window too small refused, the store whole.
var alwaysShown = []string{
	"⇣ model call 2: the prompt would not fit: ≈",
	"left out the 4 oldest messages",
	"✓ Every request the model answered fit: the largest prompt was ≈",
	"✓ Nothing was lost: the conversation store holds all 5 turns",
	"✓ Refused before anything was sent (no model request; an *aigentic.HaltError wrapping a *window.TooSmallError",
	`window: model "`, `its context window of 200 tokens cannot hold the instructions`,
	"✓ A summary was sent in place of turn",
}

// Offline, run twice on one directory: the first process stores two
// turns, the second resumes them (the verdict reads the file); every demo
// is shown.
func TestRunOffline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conversations")
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "Model: the built-in offline model", "nothing stored yet",
		`→ lookup_order {"order_id":"1042"}`, `→ tracking_log {"order_id":"1042"}`,
		"✓ Stored: 2 turns (8 messages) in "+filepath.Join(dir, "ana.json")+", read back by a store opened afresh.",
		"  go run ./chat -dir "+dir,
		"⇣ model call 1: the prompt would not fit: ≈1639 → ≈1117 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result",
		"sent: turn 5 of 5, ≈920 tokens (the model counted 963); left out: turns 1–4",
		"✓ Compacted 8 times in 5 runs (8 hook.Decision steps, By \"window\"; Stats.Compactions 8)",
		"✓ The latest question and its tool result were sent whole, and the answer is right: it names "+signerOf("1046"),
		`✓ Nothing stored was lost: conversation "ana" holds its 2 turns, as before.`,
		"left out the 4 oldest messages, summarised them",
		"✓ It carries what it replaces: it names the order that turn 1 asked about (1042).",
		"✓ Shown: all 4.")
	mustContain(t, out, alwaysShown...)
	mustNotContain(t, out, "\n✗ ", "  log: ")
	if n := turns(storedConversation(t, dir, "ana")); n != 2 {
		t.Fatalf("the file holds %d turns after the first run", n)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "ana.json"): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v, %v; want mode %o", path, fi, err, want)
		}
	}

	out, err = runApp(t, t.Context(), testutil.Offline, "-dir", dir)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	mustContain(t, out, `2 turns stored by an earlier run; the latest question: "`+DemoFirst[1]+`"`,
		"[3] You: "+DemoFollowUp,
		"✓ Resumed: this run started from the 2 turns an earlier process stored, and the file now holds 3 turns.",
		"– The answer does not name "+signerOf("1042")+", who signed for the parcel according to the earlier turns",
		"✓ Shown: all 4.")
	mustNotContain(t, out, "nothing stored yet", "\n✗ ")
	if n := turns(storedConversation(t, dir, "ana")); n != 3 {
		t.Fatalf("the file holds %d turns after the second run", n)
	}
}

// A model that reads the conversation answers from it: the verdict says
// so when the answer holds what only the earlier turns hold.
func TestResumeAnswerFromHistory(t *testing.T) {
	dir := t.TempDir()
	first := aitest.NewScripted(
		aitest.CallTools(aitest.Call("tracking_log", `{"order_id":"1042"}`)),
		aitest.Reply("Here is the log."),
		aitest.Reply("Glad to help."))
	var out strings.Builder
	d, err := exampleDesk(first, dir, &out)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := d.resume(); err != nil || !s.shown {
		t.Fatalf("first process: %v, %+v\n%s", err, s, out.String())
	}
	answer := "You asked about order 1042; " + signerOf("1042") + " signed for it."
	second := aitest.NewScripted(aitest.Reply(answer))
	out.Reset()
	if d, err = exampleDesk(second, dir, &out); err != nil {
		t.Fatal(err)
	}
	if s, err := d.resume(); err != nil || !s.shown {
		t.Fatalf("second process: %v, %+v\n%s", err, s, out.String())
	}
	mustContain(t, out.String(), "✓ Resumed: this run started from the 2 turns",
		"✓ The answer names who signed for the parcel according to the earlier turns' tool results ("+signerOf("1042")+")")
	// The model was given the earlier turns: the stored question and log.
	sent := second.Requests()[0].Messages
	if len(sent) < 4 || sent[1].Content != DemoFirst[0] || !strings.Contains(sent[len(sent)-2].Content, "Glad") {
		t.Fatalf("the second process sent %d messages: %+v", len(sent), sent)
	}
}

// -reset forgets the stored conversation: the run starts afresh.
func TestReset(t *testing.T) {
	dir := t.TempDir()
	if out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir, "-reset")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "-reset: forgot the 2 turns stored.", "nothing stored yet", "✓ Stored: 2 turns (8 messages)")
}

// -reset on a corrupt conversation file moves it aside, byte for byte,
// and starts afresh: the store itself never overwrites it.
func TestResetMovesACorruptFileAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ana.json")
	junk := []byte(`{"version":1,"memories":[{"name":"x"`)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir, "-reset")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, "-reset: the stored conversation could not be read; moved it to "+path+".corrupt-", "nothing stored yet", "✓ Stored: 2 turns (8 messages)")
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	if got, err := os.ReadFile(aside[0]); err != nil || string(got) != string(junk) {
		t.Fatalf("the corrupt file was not kept: %q, %v", got, err)
	}
}

// moveAside never replaces a file already at its target.
func TestMoveAsideKeepsAnEarlierCopy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ana.json")
	now := time.Date(2026, 12, 8, 4, 0, 0, 0, time.UTC)
	for _, f := range []string{path, path + ".corrupt-20261208T040000Z"} {
		if err := os.WriteFile(f, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := moveAside(path, now); err == nil {
		t.Fatal("replaced the earlier copy")
	}
	if got, _ := os.ReadFile(path + ".corrupt-20261208T040000Z"); string(got) != path+".corrupt-20261208T040000Z" {
		t.Fatalf("earlier copy now %q", got)
	}
}

// -q asks one question in the stored conversation instead of the demo's.
func TestQuestionFlag(t *testing.T) {
	dir := t.TempDir()
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir, "-user", "bob", "-q", "Where is order 1043?")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	mustContain(t, out, `Conversation "bob"`, "[1] You: Where is order 1043?", `→ lookup_order {"order_id":"1043"}`,
		"✓ Stored: 1 turn (4 messages)", "  go run ./chat -user bob -dir "+dir)
	mustNotContain(t, out, DemoFirst[0])
}

// A session that ends early (a timeout, Ctrl-C) is the program's error.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	out, err := runApp(t, ctx, testutil.Offline, "-dir", dir)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "the session ended early") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if n := len(storedConversation(t, dir, "ana")); n != 0 {
		t.Fatalf("%d messages stored by a run that never ran", n)
	}
}

// When the store fails to append, the run's answer is kept: in the
// Reply, and in the *aigentic.HistoryError.
func TestAskKeepsTheAnswerWhenTheStoreFails(t *testing.T) {
	store := &failingStore{Store: conversation.NewMemoryStore(), err: errors.New("disk full")}
	compactor, err := window.New(windowOptions(defaultWindow))
	if err != nil {
		t.Fatal(err)
	}
	c, err := newChat(aitest.NewScripted(aitest.Reply("Order 1042 is on its way.")), store, "ana", compactor)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ask(t.Context(), c, "Where is order 1042?")
	var he *aigentic.HistoryError
	if !errors.As(err, &he) || he.Op != "append" || he.Answer != "Order 1042 is on its way." || r == nil || r.Answer != he.Answer {
		t.Fatalf("err = %v, reply %+v", err, r)
	}
	if len(he.Messages) != 2 || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("history error %+v", he)
	}
}

// failingStore is a Store whose Append fails.
type failingStore struct {
	conversation.Store
	err error
}

func (s *failingStore) Append(context.Context, string, []ai.Message) error { return s.err }

// -h prints the shared usage with the example's own flags.
func TestRunUsage(t *testing.T) {
	out, err := runApp(t, t.Context(), testutil.Offline, "-h")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out, "usage: go run ./chat [flags]", "-window tokens", "(default 2048)", "-dir dir", "-user name", "-reset", "-timeout", "OPENAI_BASE_URL")
}

// Bad input is one line naming what is wrong, exit status 2 for a flag
// or directory, and loses nothing stored.
func TestBadInput(t *testing.T) {
	base := t.TempDir()
	aFile := filepath.Join(base, "file")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(base, "shared")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"zero window", []string{"-window", "0"}, "-window=0 is not valid: use a number of tokens from 1 to 10000000"},
		{"negative window", []string{"-window", "-5"}, "-window=-5 is not valid"},
		{"window not a number", []string{"-window", "big"}, `invalid value "big" for flag -window`},
		{"huge window", []string{"-window", "20000000"}, "-window=20000000 is not valid"},
		{"bad user", []string{"-user", "../etc"}, `-user="../etc" is not valid: use 1-64 characters`},
		{"empty dir", []string{"-dir", " "}, "-dir is empty: give a directory"},
		{"dir under a file", []string{"-dir", filepath.Join(aFile, "conversations")}, "-dir=" + filepath.Join(aFile, "conversations") + " cannot hold conversations"},
		{"dir others can write", []string{"-dir", shared}, "-dir=" + shared + " cannot hold conversations"},
		{"no default dir", nil, "the default directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.name != "no default dir" && !strings.Contains(strings.Join(args, " "), "-dir") {
				args = append(args, "-dir", t.TempDir())
			}
			out, err := runApp(t, t.Context(), testutil.Offline, args...)
			if tc.name == "no default dir" {
				mustContain(t, cli.Redacted(err), "no default directory for conversations")
			} else if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if cli.ExitCode(err) != 2 || strings.Contains(err.Error(), "\n") || out != "" {
				t.Fatalf("exit %d, error %q, output %q: want exit 2, one line, no output", cli.ExitCode(err), err, out)
			}
		})
	}
}

// A window the user sets too small for the chat is refused at the first
// question, before anything is sent or stored: exit status 2, the stored
// conversation as it was.
func TestWindowTooSmallForTheChat(t *testing.T) {
	dir := t.TempDir()
	if out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir, "-q", "Where is order 1042?"); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	before, err := os.ReadFile(filepath.Join(dir, "ana.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir, "-window", "150")
	if cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), "-window=150 is too small for this chat: ") ||
		!errors.Is(err, window.ErrWindowTooSmall) || !strings.Contains(err.Error(), "its context window of 150 tokens cannot hold") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	after, err := os.ReadFile(filepath.Join(dir, "ana.json"))
	if err != nil || string(after) != string(before) {
		t.Fatalf("the conversation file changed (%v)", err)
	}
}

// A corrupt conversation file is reported on one line, with its path,
// and left exactly as it was.
func TestCorruptStore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ana.json")
	junk := []byte(`{"version":1,"memories":[{"name":"x"`)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runApp(t, t.Context(), testutil.Offline, "-dir", dir)
	if err == nil || cli.ExitCode(err) != 1 || !errors.Is(err, conversation.ErrCorrupt) ||
		!strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != string(junk) {
		t.Fatalf("the corrupt file changed: %q, %v", got, err)
	}
}

// -timeout bounds the whole session (cli.WithSessionTimeout): the error
// names it, so the user knows which knob to turn.
func TestSessionTimeoutIsNamed(t *testing.T) {
	err := func() error {
		_, err := runApp(t, t.Context(), testutil.Offline, "-dir", t.TempDir(), "-timeout=1ns")
		return err
	}()
	if _, ok := errors.AsType[*cli.SessionTimeout](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the session timeout (-timeout 1ns) ran out") {
		t.Fatalf("err = %v, want one naming the session timeout", err)
	}
}
