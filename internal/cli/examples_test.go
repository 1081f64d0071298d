package cli_test

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// examples are the nine example programs that share the command line of
// package cli, by folder (hello/ is written without it, to be copied).
var examples = []string{"production", "tools", "memory", "multi-agent", "approval", "failover", "guardrails", "chat", "mcp"}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds the examples once, into a directory removed at the
// end of the package's tests (TestMain).
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "aigentic-examples-bin")
		if buildErr != nil {
			return
		}
		args := []string{"build", "-o", binDir + string(os.PathSeparator)}
		for _, ex := range examples {
			args = append(args, "./"+ex)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binDir
}

// cleanEnv is the process environment without the variables the examples
// read, plus kv, with a home and config directory of the test's own.
func cleanEnv(t *testing.T, kv ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		switch name, _, _ := strings.Cut(e, "="); name {
		case "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "ENV", "LOG_LEVEL", "TIMEOUT", "NO_COLOR",
			"AIGENTIC_TRACE_DIR", "HOME", "XDG_CONFIG_HOME", "PRICE_PER_MTOK_IN", "PRICE_PER_MTOK_OUT":
			continue
		}
		env = append(env, e)
	}
	home := t.TempDir()
	return append(append(env, "HOME="+home, "XDG_CONFIG_HOME="+home, "AIGENTIC_TRACE_DIR="+t.TempDir()), kv...)
}

// runExample runs one built example in an empty directory (no .env) with
// standard input closed.
func runExample(t *testing.T, name string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binaries(t), name), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return o.String(), e.String(), code
}

// TestBadInputAlike: every example answers the same bad input with one
// line on standard error naming the flag or variable and what it accepts,
// nothing on standard output, and exit status 2.
func TestBadInputAlike(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, nil, "error: flag provided but not defined: -nope; the flags are "},
		{"bad ENV", nil, []string{"ENV=staging"}, `error: ENV="staging" is not valid: use dev or prod`},
		{"bad LOG_LEVEL", nil, []string{"LOG_LEVEL=loud"}, `error: LOG_LEVEL="loud" is not valid: use debug, info, warn or error`},
		{"bad TIMEOUT", nil, []string{"TIMEOUT=soon"}, `error: TIMEOUT="soon" is not valid: use a Go duration greater than 0, such as 30s or 2m`},
		{"bad -timeout", []string{"-timeout", "0"}, nil, `error: invalid value "0" for flag -timeout: use a Go duration greater than 0, such as 30s or 2m`},
		{"empty -q", []string{"-q", " "}, nil, "error: -q is empty: give a question"},
		{"stray argument", []string{"hello"}, nil, `error: unexpected argument "hello": give the question with -q`},
		{"bad OPENAI_BASE_URL", nil, []string{"OPENAI_BASE_URL=ftp://x"}, `error: OPENAI_BASE_URL="ftp://x" is not a valid http(s) URL`},
		{"OPENAI_MODEL with an ANSI escape", nil, []string{"OPENAI_MODEL=gpt\x1b[2J\x1b[31m-red"}, "error: OPENAI_MODEL is not a valid model name: it holds a control character (U+001B at byte 3)"},
		{"OPENAI_MODEL with a newline", nil, []string{"OPENAI_MODEL=gpt-4o\nModel: fake line"}, "error: OPENAI_MODEL is not a valid model name: it holds a control character (U+000A at byte 6)"},
		{"OPENAI_MODEL of 100 KB", nil, []string{"OPENAI_MODEL=" + strings.Repeat("m", 100<<10)}, "error: OPENAI_MODEL is not a valid model name: it is 102400 bytes long; the limit is 256"},
	}
	for _, ex := range examples {
		for _, tc := range cases {
			t.Run(ex+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				stdout, stderr, code := runExample(t, ex, cleanEnv(t, tc.env...), tc.args...)
				if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, tc.want) {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no output, one line starting %q", code, stdout, stderr, tc.want)
				}
			})
		}
	}
}

// TestKeyInBaseURLPathNeverPrinted: a gateway that takes the key in the
// base URL's path ("/proxy/<key>/v1"): no example prints the key, on
// either stream, whatever else happens (here the server is down).
func TestKeyInBaseURLPathNeverPrinted(t *testing.T) {
	const key = "gw-token-PATHKEY987"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, _ := runExample(t, ex, cleanEnv(t, "OPENAI_BASE_URL=http://"+addr+"/proxy/"+key+"/v1", "OPENAI_API_KEY="+key))
			if strings.Contains(stdout+stderr, key) {
				t.Errorf("the key was printed:\n%s\n%s", stdout, stderr)
			}
			if !strings.Contains(stdout, "/proxy/[REDACTED]/v1") {
				t.Errorf("no start-up line with the base URL's display form:\n%s", stdout)
			}
		})
	}
}

// TestHelpAlike: -h prints the same layout in every example, and exits 0.
func TestHelpAlike(t *testing.T) {
	for _, ex := range examples {
		stdout, stderr, code := runExample(t, ex, cleanEnv(t), "-h")
		if code != 0 || stderr != "" {
			t.Errorf("%s -h: exit %d, stderr %q", ex, code, stderr)
		}
		for _, want := range []string{"usage: go run ./" + ex + " [flags]\n\n", "\n\nFlags:\n", "\n  -q text ", "\n  -timeout d ", "\n  -v ",
			"\nEnvironment:\n  ENV ", "\n  LOG_LEVEL ", "\n  TIMEOUT ", "\n  OPENAI_BASE_URL ", "\n  NO_COLOR "} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s -h lacks %q:\n%s", ex, want, stdout)
			}
		}
	}
}

// TestOfflineRunsPlain: every example runs offline from a clean
// environment, exits 0, and prints no colour when standard output is not
// a terminal.
func TestOfflineRunsPlain(t *testing.T) {
	for _, ex := range examples {
		stdout, stderr, code := runExample(t, ex, cleanEnv(t))
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q\n%s", ex, code, stderr, stdout)
		}
		if !strings.HasPrefix(stdout, "Model: the built-in offline model") && !strings.Contains(stdout, "\nModel: the built-in offline model") {
			t.Errorf("%s: no model line:\n%s", ex, stdout)
		}
		if strings.Contains(stdout, "\x1b[") {
			t.Errorf("%s: colour escapes on a pipe:\n%q", ex, stdout)
		}
	}
}

// TestServerDownAlike: with OPENAI_BASE_URL on a port nothing listens on,
// every example exits 1 and names the server it cannot reach — never a
// success, never a panic, never the credentials of the URL.
func TestServerDownAlike(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runExample(t, ex, cleanEnv(t, "OPENAI_BASE_URL=http://user:s3cret-pw@"+addr+"/v1", "OPENAI_MODEL=tiny-qwen", "TIMEOUT=60s"))
			if code != 1 || !strings.Contains(stderr, "cannot reach the server at "+addr) {
				t.Errorf("exit %d, stderr %q; want exit 1 and the server named\n%s", code, stderr, stdout)
			}
			// Said once, up front (*cli.ServerDown), not after each demo
			// retried its way to the same failure.
			if !strings.Contains(stderr, "every demo needs it") || strings.Contains(stdout, "retrying") || strings.Contains(stdout, "Demo 1") {
				t.Errorf("the server's absence was not said once, up front:\n%s\n%s", stdout, stderr)
			}
			if strings.Contains(stdout+stderr, "s3cret-pw") || strings.Contains(stdout+stderr, "panic") {
				t.Errorf("a credential or a panic in the output:\n%s\n%s", stdout, stderr)
			}
		})
	}
}
