package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testDeps is an environment without OPENAI_* (the offline model) and
// with no user config directory: tests always pass -store, or set one.
func testDeps() deps {
	return deps{
		getenv:        func(string) string { return "" },
		userConfigDir: func() (string, error) { return "", errors.New("$HOME is not defined") },
		stderr:        io.Discard,
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
		"Using the built-in offline model",
		`Memory: user "default", file ` + filepath.Join(dir, "default.json"),
		"[1] You: " + DemoSave,
		"[1] Saved memories: favourite colour = blue",
		"[2] You: " + DemoRecall,
		"Both questions ran as two Execute calls in one session, on the memories of user \"default\".",
		`go run ./memory -store ` + dir + ` -q "What is my favourite colour?"`,
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
	first := runOK(t, "-store", dir, "-q", "Remember that my favourite colour is blue")
	if a := answer(first, "1"); !strings.Contains(a, "Saved: favourite colour = blue") {
		t.Fatalf("first run did not save: %q\n%s", a, first)
	}
	second := runOK(t, "-store", dir, "-q", "What is my favourite colour?")
	if a := answer(second, "1"); !strings.Contains(a, "favourite colour = blue") {
		t.Fatalf("second run did not remember: %q\n%s", a, second)
	}

	// Another user's memories are separate.
	other := runOK(t, "-store", dir, "-user", "bob", "-q", "What is my favourite colour?")
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
	if err := runWith(t.Context(), []string{"-q", "Remember that my favourite colour is green"}, &out, d); err != nil {
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
		{[]string{"-store", dir, "-user", "Alice"}, nil, `-user="Alice": use 1-64 characters`},
		{[]string{"-store", dir, "-user", ""}, nil, `-user=""`},
		{[]string{"-store", dir, "-q", " "}, nil, "-q: the question is empty"},
		{[]string{"-store", dir, "-timeout", "0s"}, nil, "-timeout=0s"},
		{[]string{"-store", ""}, nil, "-store: the directory is empty"},
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
	err := runWith(t.Context(), []string{"-store", dir, "-q", "Remember that my favourite colour is blue"}, io.Discard, testDeps())
	if !errors.Is(err, memstore.ErrCorrupt) || !strings.Contains(err.Error(), path) || cli.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want a corrupt-file error naming %s", err, cli.ExitCode(err), path)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"version": 1, "memories": [` {
		t.Fatal("the corrupt file was changed")
	}
	// Another user's memories still work.
	out := runOK(t, "-store", dir, "-user", "bob", "-q", "Remember that my favourite colour is blue")
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

// TestSmoke builds the binary and runs it twice, as a user would: the
// second process remembers what the first saved.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not in PATH: %v (the smoke test builds the binary; run with -short to skip it)", err)
	}
	bin := filepath.Join(t.TempDir(), "memory")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "PATH=" + os.Getenv("PATH")}
	store := filepath.Join(t.TempDir(), "store")
	runBin := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // no .env
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	out, errOut, err := runBin("-store", store, "-q", "Remember that my favourite colour is blue")
	if err != nil || errOut != "" {
		t.Fatalf("first run: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{
		"Using the built-in offline model (OPENAI_API_KEY is not set).",
		"[1] You: Remember that my favourite colour is blue",
		"[1] Saved memories: favourite colour = blue",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("first run lacks %q:\n%s", want, out)
		}
	}
	out, errOut, err = runBin("-store", store, "-q", "What is my favourite colour?")
	if err != nil || errOut != "" {
		t.Fatalf("second run: %v\n%s\n%s", err, out, errOut)
	}
	if a := answer(out, "1"); !strings.Contains(a, "favourite colour = blue") {
		t.Errorf("second process did not remember: %q\n%s", a, out)
	}

	// The default demo, with the default store under the (temporary) home.
	out, errOut, err = runBin()
	if err != nil || errOut != "" {
		t.Fatalf("demo: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "Both questions ran as two Execute calls in one session, on the memories of user \"default\".") ||
		!strings.Contains(answer(out, "2"), "blue") {
		t.Errorf("demo output:\n%s", out)
	}

	_, errOut, err = runBin("-user", "../../etc")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(errOut, `error: -user="../../etc"`) {
		t.Errorf("bad -user: %v\n%s", err, errOut)
	}
}
