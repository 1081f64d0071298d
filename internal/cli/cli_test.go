package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

func TestExitCode(t *testing.T) {
	if ExitCode(nil) != 0 || ExitCode(errors.New("x")) != 1 || ExitCode(Usagef("bad -n")) != 2 {
		t.Fatal("wrong exit codes")
	}
	if ExitCode(fmt.Errorf("config: %w", Usage(errors.New("bad")))) != 2 {
		t.Fatal("a wrapped usage error must still exit 2")
	}
	if Usage(nil) != nil {
		t.Fatal("Usage(nil) != nil")
	}
}

func TestLoadDotEnv(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "example")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "go.mod"), "module "+ModulePath+"\n")
	write(filepath.Join(root, ".env"), "CLI_TEST_A=root\nCLI_TEST_B=root\n")
	write(filepath.Join(sub, ".env"), "CLI_TEST_A=local\n")
	t.Chdir(sub)
	t.Setenv("CLI_TEST_C", "set")
	os.Unsetenv("CLI_TEST_A")
	os.Unsetenv("CLI_TEST_B")
	t.Cleanup(func() { os.Unsetenv("CLI_TEST_A"); os.Unsetenv("CLI_TEST_B") })

	files, err := LoadDotEnv("")
	if err != nil || len(files) != 2 {
		t.Fatalf("files = %v, err = %v", files, err)
	}
	if os.Getenv("CLI_TEST_A") != "local" || os.Getenv("CLI_TEST_B") != "root" || os.Getenv("CLI_TEST_C") != "set" {
		t.Fatalf("A=%q B=%q C=%q: the local file wins, the root fills in, set variables stay", os.Getenv("CLI_TEST_A"), os.Getenv("CLI_TEST_B"), os.Getenv("CLI_TEST_C"))
	}

	write(filepath.Join(sub, ".env"), "CLI_TEST_D=\"unterminated-k3y-material\n")
	_, err = LoadDotEnv("")
	if ExitCode(err) != 2 {
		t.Fatalf("malformed .env: err = %v, want a usage error", err)
	}
	if msg := err.Error(); strings.Contains(msg, "k3y-material") || !strings.Contains(msg, filepath.Join(sub, ".env")) {
		t.Fatalf("malformed .env: %q must name the file and never quote its line", msg)
	}
}

// A credential a .env file brings is redacted from then on, whatever its
// name's prefix, even when the runtime already redacted something before
// the file was loaded.
// Another project's root .env is never read: only this module's.
func TestLoadDotEnvSkipsAnotherModulesRoot(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("CLI_TEST_OTHER=leaked\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	os.Unsetenv("CLI_TEST_OTHER")
	t.Cleanup(func() { os.Unsetenv("CLI_TEST_OTHER") })
	files, err := LoadDotEnv("")
	if err != nil || len(files) != 0 || os.Getenv("CLI_TEST_OTHER") != "" {
		t.Fatalf("files = %v, err = %v, CLI_TEST_OTHER = %q: another module's .env was read", files, err, os.Getenv("CLI_TEST_OTHER"))
	}
}

func TestLoadDotEnvRegistersCredentials(t *testing.T) {
	const token = "tok-7f3a9c2e5b1d8f40aa"
	_ = secret.Redact("warm up: the environment was read once already")
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("CLI_TEST_SERVICE_TOKEN="+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	os.Unsetenv("CLI_TEST_SERVICE_TOKEN")
	t.Cleanup(func() { os.Unsetenv("CLI_TEST_SERVICE_TOKEN") })
	if _, err := LoadDotEnv(""); err != nil {
		t.Fatal(err)
	}
	if got := secret.Redact("calling with " + token); strings.Contains(got, token) {
		t.Fatalf("Redact after loading .env = %q: the token leaked", got)
	}
}
