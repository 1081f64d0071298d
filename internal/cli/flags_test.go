package cli

import (
	"bytes"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var testSpec = Spec{Name: "demo", Summary: "A demo.", Question: "Why?", Timeout: time.Minute}

func TestParseLogLevel(t *testing.T) {
	cases := []struct {
		args  []string
		env   []string
		level slog.Level
		show  bool
	}{
		{nil, nil, slog.LevelInfo, false},
		{nil, []string{"ENV", "dev"}, slog.LevelDebug, true},
		{nil, []string{"ENV", "prod"}, slog.LevelWarn, true},
		{nil, []string{"ENV", "dev", "LOG_LEVEL", "error"}, slog.LevelError, true},
		{[]string{"-v"}, []string{"ENV", "prod"}, slog.LevelDebug, true},
	}
	for _, c := range cases {
		cfg, _, err := Parse(testSpec, c.args, env(c.env...), nil)
		if err != nil || cfg.Log.Level != c.level || cfg.Log.Show != c.show {
			t.Errorf("%v %v: level %v show %t err %v; want %v %t", c.args, c.env, cfg.Log.Level, cfg.Log.Show, err, c.level, c.show)
		}
	}
}

func TestParseTimeoutAndQuestion(t *testing.T) {
	cfg, _, err := Parse(testSpec, nil, env("TIMEOUT", "5s"), nil)
	if err != nil || cfg.Timeout != 5*time.Second || cfg.Question != "Why?" {
		t.Errorf("TIMEOUT: %+v %v", cfg, err)
	}
	cfg, _, err = Parse(testSpec, []string{"-timeout", "7s", "-q", " How? "}, env("TIMEOUT", "5s"), nil)
	if err != nil || cfg.Timeout != 7*time.Second || cfg.Question != "How?" || !cfg.Set["q"] {
		t.Errorf("-timeout over TIMEOUT: %+v %v", cfg, err)
	}
	var extra int
	spec := testSpec
	spec.Flags = func(fs *flag.FlagSet) { fs.IntVar(&extra, "n", 0, "a number") }
	var out bytes.Buffer
	if _, done, err := Parse(spec, []string{"-h"}, env(), &out); !done || err != nil || !strings.Contains(out.String(), "  -n int ") {
		t.Errorf("-h: done %t err %v\n%s", done, err, out.String())
	}
	if _, _, err := Parse(spec, []string{"-n", "3"}, env(), nil); err != nil || extra != 3 {
		t.Errorf("example flag: %d %v", extra, err)
	}
}

func TestModelLineHidesCredentials(t *testing.T) {
	for _, base := range []string{"https://user:s3cret@llm.example.com/v1?key=s3cret", "http://s3cret@llm.example.com"} {
		_, line, err := NewModel(provider.Settings{Model: "m", BaseURL: base})
		if err != nil || strings.Contains(line, "s3cret") || !strings.Contains(line, "llm.example.com") {
			t.Errorf("%q: line %q, err %v", base, line, err)
		}
	}
}

func TestPrinterPlainAndLogHeld(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, env())
	p.Good("fine")
	if strings.Contains(out.String(), "\x1b[") || out.String() != MarkOK+" fine\n" {
		t.Errorf("a buffer is not a terminal: %q", out.String())
	}
	// Not asked for: discarded. Asked for: held until FlushLog, then
	// printed dimmed (plain here) and indented, in order.
	p.Logger(LogConfig{Level: slog.LevelDebug}).Info("hidden")
	lg := p.Logger(LogConfig{Level: slog.LevelInfo, Show: true})
	lg.Debug("below the level")
	lg.Info("first", "api_key", "sk-proj-abcdefghijklmnopqrstuvwxyz0123")
	lg.Warn("second")
	p.Line("story")
	p.FlushLog()
	got := out.String()
	if strings.Contains(got, "hidden") || strings.Contains(got, "below the level") || strings.Contains(got, "abcdefghijklmnop") {
		t.Errorf("output:\n%s", got)
	}
	story := strings.Index(got, "story")
	first := strings.Index(got, `  log: level=INFO msg=first`)
	second := strings.Index(got, `  log: level=WARN msg=second`)
	if !(story < first && first < second) {
		t.Errorf("want the story, then the records in order:\n%s", got)
	}
}

// A trace directory the user names must be one the runtime will use: an
// unsafe one is a usage error naming the flag or variable, not a run that
// silently writes no trace.
func TestTraceDirChecked(t *testing.T) {
	spec := testSpec
	spec.TraceDir = true
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	_, _, err := Parse(spec, nil, env("AIGENTIC_TRACE_DIR", shared), nil)
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "AIGENTIC_TRACE_DIR="+shared) || !strings.Contains(err.Error(), "writable by group or others") {
		t.Fatalf("unsafe AIGENTIC_TRACE_DIR: err = %v, want a usage error naming the variable and the reason", err)
	}
	_, _, err = Parse(spec, []string{"-trace-dir", shared}, env(), nil)
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "-trace-dir="+shared) {
		t.Fatalf("unsafe -trace-dir: err = %v", err)
	}
	private := filepath.Join(t.TempDir(), "traces")
	cfg, _, err := Parse(spec, []string{"-trace-dir", private}, env(), nil)
	if err != nil || cfg.TraceDir != private {
		t.Fatalf("fresh -trace-dir: %q, %v", cfg.TraceDir, err)
	}
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("fresh -trace-dir not created 0700: %v %v", fi, err)
	}
}
