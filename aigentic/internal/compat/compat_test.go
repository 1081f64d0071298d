package compat_test

import (
	"bytes"
	"context"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"

	// The programs' library packages, so that go test's cache, which does
	// not see into the go build this test runs, reruns it when they change.
	_ "github.com/nexxia-ai/aigentic-examples/aigentic"
	_ "github.com/nexxia-ai/aigentic-examples/aigentic/memory"
	_ "github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	_ "github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The programs, one per example of the aigentic library's v0.7.0 era that
// this project covers (documents, mcp and benchmark need packages out of
// its scope).
var programs = []string{"approval", "memory", "multi-agent", "production", "simple", "streaming", "tools"}

// The packages a program may import besides the standard library: the
// library's packages under their rewritten paths.
var allowedImports = map[string]string{
	"github.com/nexxia-ai/aigentic-examples/aigentic":        "github.com/nexxia-ai/aigentic",
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai": "github.com/nexxia-ai/aigentic-openai",
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils":  "github.com/nexxia-ai/aigentic/utils",
	"github.com/nexxia-ai/aigentic-examples/aigentic/memory": "github.com/nexxia-ai/aigentic/memory",
}

// apiKey is what ../.env holds and what the fake server demands: a run
// that reaches it has loaded the file and sent the key.
const apiKey = "sk-compat-test-0123456789abcdef"

func goTool(t *testing.T) string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(build.Default.GOROOT, "bin", "go")
}

// Every program imports only the standard library and the library's
// packages: what it uses is the library's API, not this project's helpers.
func TestProgramsImportOnlyTheLibrary(t *testing.T) {
	for _, name := range programs {
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(name, "main.go"), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(path, "/")[0]
			if _, ok := allowedImports[path]; !ok && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: not a library package", name, path)
			}
		}
	}
}

type result struct {
	out      string
	tmp      string // the program's TMPDIR
	requests int    // chat completions the server answered
}

// runProgram runs bin in a working directory whose parent holds the .env
// file, with the fake server's URL as OPENAI_BASE_URL and no key in the
// environment.
func runProgram(t *testing.T, bin, stdin string) result {
	t.Helper()
	srv := openaitest.NewServer(t, offline.NewModel(), openaitest.WithAPIKey(apiKey))
	root := t.TempDir()
	work, tmp := filepath.Join(root, "work"), filepath.Join(root, "tmp")
	for _, d := range []string{work, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("# loaded by utils.LoadEnvFile(\"../.env\")\nOPENAI_API_KEY="+apiKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = work
	cmd.Env = []string{"HOME=" + root, "TMPDIR=" + tmp, "OPENAI_BASE_URL=" + srv.URL()}
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(bin), err, out.String())
	}
	if strings.Contains(out.String(), apiKey) {
		t.Fatalf("the API key is in the output:\n%s", out.String())
	}
	return result{out: out.String(), tmp: tmp, requests: srv.Validated()}
}

func mustContain(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// traceFiles returns the trace files under tmp, checking none holds the key.
func traceFiles(t *testing.T, tmp string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(tmp, "aigentic-traces", "trace_*.txt"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(apiKey)) {
			t.Errorf("trace %s holds the API key", f)
		}
	}
	return files
}

// The library's example programs compile with only their import paths
// rewritten, and run offline: each program is built, then run against a
// fake OpenAI server answering with the offline model.
func TestLibraryExamplesCompileAndRunOffline(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command(goTool(t), "build", "-o", bin+string(os.PathSeparator), "./...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	exe := func(name string) string {
		p := filepath.Join(bin, name)
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		return p
	}

	t.Run("simple", func(t *testing.T) {
		r := runProgram(t, exe("simple"), "")
		if !regexp.MustCompile(`(?m)^Answer: \S`).MatchString(r.out) || r.requests != 1 {
			t.Fatalf("%d requests, output:\n%s", r.requests, r.out)
		}
	})
	t.Run("streaming", func(t *testing.T) {
		r := runProgram(t, exe("streaming"), "")
		mustContain(t, r.out, "same as the answer: true", "trace files: 1")
		if m := regexp.MustCompile(`streamed (\d+) fragments`).FindStringSubmatch(r.out); m == nil || m[1] == "0" || m[1] == "1" {
			t.Errorf("not streamed in fragments:\n%s", r.out)
		}
		if len(traceFiles(t, r.tmp)) != 1 {
			t.Errorf("want one trace file in TMPDIR")
		}
	})
	t.Run("tools", func(t *testing.T) {
		r := runProgram(t, exe("tools"), "")
		mustContain(t, r.out, "445")
		if r.requests != 2 {
			t.Errorf("%d model calls, want 2 (tool call, answer)", r.requests)
		}
	})
	t.Run("approval granted", func(t *testing.T) {
		r := runProgram(t, exe("approval"), "y\n")
		mustContain(t, r.out, "APPROVAL REQUIRED: send_email", "will send an e-mail to ada@example.com", "  to: ada@example.com",
			"(pretending to send an e-mail to ada@example.com)", "[tool send_email answered: e-mail sent to ada@example.com]")
	})
	t.Run("approval denied", func(t *testing.T) {
		r := runProgram(t, exe("approval"), "n\n")
		mustContain(t, r.out, "APPROVAL REQUIRED: send_email", "denied")
		if strings.Contains(r.out, "pretending to send") {
			t.Errorf("the tool ran without approval:\n%s", r.out)
		}
	})
	t.Run("memory", func(t *testing.T) {
		r := runProgram(t, exe("memory"), "")
		third := r.out[strings.Index(r.out, "Conversation 3"):]
		mustContain(t, third, "teal")
	})
	t.Run("multi-agent", func(t *testing.T) {
		r := runProgram(t, exe("multi-agent"), "")
		mustContain(t, r.out, "[Coordinator delegates to researcher]", "[Coordinator delegates to writer]", "Final answer:")
		m := regexp.MustCompile(`model calls: (\d+), tool calls: (\d+)`).FindStringSubmatch(r.out)
		if m == nil || m[1] != strconv.Itoa(r.requests) || m[2] != "2" {
			t.Errorf("stats %v, server answered %d chat completions:\n%s", m, r.requests, r.out)
		}
	})
	t.Run("production", func(t *testing.T) {
		r := runProgram(t, exe("production"), "")
		mustContain(t, r.out, "42 orders", "1 file(s)")
		files := traceFiles(t, r.tmp)
		if len(files) != 1 || !strings.Contains(r.out, "trace file: "+files[0]) {
			t.Errorf("trace files %v:\n%s", files, r.out)
		}
	})
}
