package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testDeps is an environment without OPENAI_* (the offline model) and
// with no user config directory: tests always pass -store, or set one.
func testDeps() system {
	return system{
		getenv:        func(string) string { return "" },
		userConfigDir: func() (string, error) { return "", errors.New("$HOME is not defined") },
	}
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := runWith(t.Context(), args, &out, testDeps()); err != nil {
		t.Fatalf("run %q: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// answer returns the text of the agent's n-th answer in the output.
func answer(out string, n string) string {
	for _, line := range strings.Split(out, "\n") {
		if a, ok := strings.CutPrefix(line, "["+n+"] Agent: "); ok {
			return a
		}
	}
	return ""
}

func TestDemoSavesThenRecallsInOneSession(t *testing.T) {
	dir := t.TempDir()
	out := runOK(t, "-store", dir)
	for _, want := range []string{
		"Model: the built-in offline model",
		`Nothing is remembered yet for user "default".`,
		`Memory: user "default", file ` + filepath.Join(dir, "default.json"),
		"[1] You: " + DemoSave,
		"[1] Saved memories: favourite colour = blue",
		"[2] You: " + DemoRecall,
		"Run it again: the next process remembers them.",
		`go run ./memory -store ` + dir,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if a := answer(out, "1"); !strings.Contains(a, "Saved: favourite colour = blue") {
		t.Errorf("first answer = %q", a)
	}
	if a := answer(out, "2"); !strings.Contains(a, "blue") {
		t.Errorf("second answer does not recall blue: %q", a)
	}
	// The store file holds the memory.
	s, err := memstore.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok, err := s.Get(t.Context(), "default", "favourite colour"); err != nil || !ok || e.Value != "blue" {
		t.Fatalf("store: %+v, %t, %v", e, ok, err)
	}
}

// TestSecondRunRemembers runs the program twice against one store
// directory, as two processes would: the second run has only the file.
func TestSecondRunRemembers(t *testing.T) {
	dir := t.TempDir()
	first := runOK(t, "-store", dir, "-q", DemoSave)
	if a := answer(first, "1"); !strings.Contains(a, "Saved: favourite colour = blue") {
		t.Fatalf("first run did not save: %q\n%s", a, first)
	}
	second := runOK(t, "-store", dir, "-q", DemoRecall)
	if a := answer(second, "1"); !strings.Contains(a, "favourite colour = blue") {
		t.Fatalf("second run did not remember: %q\n%s", a, second)
	}

	// The default demo, run again, starts from what was saved and says so.
	again := runOK(t, "-store", dir)
	for _, want := range []string{"Remembered from an earlier run: favourite colour = blue", "[1] You: " + DemoRecall,
		"✓ The answer used what an earlier run saved"} {
		if !strings.Contains(again, want) {
			t.Errorf("second demo run lacks %q:\n%s", want, again)
		}
	}
	if strings.Contains(again, DemoSave) {
		t.Errorf("the second demo run saved again instead of recalling:\n%s", again)
	}

	// Another user's memories are separate.
	other := runOK(t, "-store", dir, "-user", "bob", "-q", DemoRecall)
	if a := answer(other, "1"); strings.Contains(a, "blue") || !strings.Contains(a, "nothing is saved yet") {
		t.Fatalf("bob sees: %q", a)
	}
	if !strings.Contains(other, `-user bob`) {
		t.Errorf("the hint does not repeat -user:\n%s", other)
	}
}

func TestDefaultStoreDir(t *testing.T) {
	base := t.TempDir()
	d := testDeps()
	d.userConfigDir = func() (string, error) { return base, nil }
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-q", `Save to memory that my "favourite colour" is "green".`}, &out, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(base, "aigentic-examples", "memory", "default.json")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no store file at the default place: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), path) {
		t.Errorf("the output does not name %s:\n%s", path, out.String())
	}

	// Without a config directory, the error says to pass -store.
	err := runWith(t.Context(), nil, io.Discard, testDeps())
	if err == nil || !strings.Contains(err.Error(), "pass -store DIR") || cli.ExitCode(err) != 2 {
		t.Fatalf("err = %v (exit %d)", err, cli.ExitCode(err))
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-store", dir, "-user", "../etc"}, nil, `-user="../etc"`},
		{[]string{"-store", dir, "-user", "Alice"}, nil, `-user="Alice" is not valid: use 1-64 characters`},
		{[]string{"-store", dir, "-user", ""}, nil, `-user=""`},
		{[]string{"-store", dir, "-q", " "}, nil, "-q is empty"},
		{[]string{"-store", dir, "-timeout", "0s"}, nil, "-timeout"},
		{[]string{"-store", ""}, nil, "-store is empty"},
		{[]string{"-store", dir, "remember", "this"}, nil, `unexpected argument "remember"`},
		{[]string{"-nope"}, nil, "-nope"},
		{[]string{"-store", dir}, map[string]string{"OPENAI_BASE_URL": "ftp://x"}, "OPENAI_BASE_URL"},
	}
	for _, c := range cases {
		d := testDeps()
		d.getenv = func(k string) string { return c.env[k] }
		err := runWith(t.Context(), c.args, io.Discard, d)
		if err == nil || !strings.Contains(err.Error(), c.want) || cli.ExitCode(err) != 2 {
			t.Errorf("%q: err = %v (exit %d), want exit 2 naming %q", c.args, err, cli.ExitCode(err), c.want)
		}
	}
	var out bytes.Buffer
	if err := runWith(t.Context(), []string{"-h"}, &out, testDeps()); err != nil || !strings.Contains(out.String(), "-user") {
		t.Errorf("-h: %v\n%s", err, out.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("config errors touched the store: %v", entries)
	}
}

func TestCorruptStoreIsAClearError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "default.json")
	if err := os.WriteFile(path, []byte(`{"version": 1, "memories": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := runWith(t.Context(), []string{"-store", dir, "-q", DemoSave}, io.Discard, testDeps())
	if !errors.Is(err, memstore.ErrCorrupt) || !strings.Contains(err.Error(), path) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want a corrupt-file error naming %s", err, cli.ExitCode(err), path)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"version": 1, "memories": [` {
		t.Fatal("the corrupt file was changed")
	}
	// Another user's memories still work.
	out := runOK(t, "-store", dir, "-user", "bob", "-q", DemoSave)
	if a := answer(out, "1"); !strings.Contains(a, "Saved") {
		t.Fatalf("bob: %q", a)
	}
}

func TestCancelledRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := runWith(ctx, []string{"-store", t.TempDir()}, io.Discard, testDeps())
	if !errors.Is(err, context.Canceled) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v", err)
	}
}

// TestNaiveModelOverHTTP: a model that always calls save_memory (the
// first tool) and answers "Done." — the first run saves what it chose, and
// the second run tells the truth: it lists what was remembered, and says
// the model did not look it up.
func TestNaiveModelOverHTTP(t *testing.T) {
	_, env := testutil.NaiveServer(t, aitest.NaiveOptions{})
	d := testDeps()
	d.getenv = testutil.Getenv(env)
	dir := t.TempDir()
	var first, second bytes.Buffer
	if err := runWith(t.Context(), []string{"-store", dir}, &first, d); err != nil {
		t.Fatalf("first: %v\n%s", err, first.String())
	}
	if !strings.Contains(first.String(), `→ save_memory {"name":"x","value":"x"}`) || !strings.Contains(first.String(), "[2] Saved memories: x = x") {
		t.Errorf("first run:\n%s", first.String())
	}
	if err := runWith(t.Context(), []string{"-store", dir}, &second, d); err != nil {
		t.Fatalf("second: %v\n%s", err, second.String())
	}
	for _, want := range []string{"Remembered from an earlier run: x = x", "The model did not look in its memory"} {
		if !strings.Contains(second.String(), want) {
			t.Errorf("second run lacks %q:\n%s", want, second.String())
		}
	}
	if strings.Contains(second.String(), "✓") {
		t.Errorf("the second run claims a recall that did not happen:\n%s", second.String())
	}
}
