package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
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
	write(filepath.Join(root, "go.mod"), "module x\n")
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

	write(filepath.Join(sub, ".env"), "CLI_TEST_D=\"unterminated\n")
	if _, err := LoadDotEnv(""); ExitCode(err) != 2 {
		t.Fatalf("malformed .env: err = %v, want a usage error", err)
	}
}
