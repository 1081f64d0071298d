package utils_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

func writeEnv(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadEnvFileSetsOnlyUnsetVariables(t *testing.T) {
	t.Setenv("UTILS_TEST_SET", "from-environment")
	t.Setenv("UTILS_TEST_EMPTY", "")
	os.Unsetenv("UTILS_TEST_NEW")
	os.Unsetenv("UTILS_TEST_QUOTED")
	t.Cleanup(func() { os.Unsetenv("UTILS_TEST_NEW"); os.Unsetenv("UTILS_TEST_QUOTED") })
	p := writeEnv(t, "# comment\nUTILS_TEST_SET=from-file\nUTILS_TEST_EMPTY=from-file\nexport UTILS_TEST_NEW=new # trailing\nUTILS_TEST_QUOTED=\"a b\"\n")
	if err := utils.LoadEnvFile(p); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"UTILS_TEST_SET": "from-environment", "UTILS_TEST_EMPTY": "", "UTILS_TEST_NEW": "new", "UTILS_TEST_QUOTED": "a b"} {
		if got := os.Getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestLoadEnvFileMissingNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.env")
	err := utils.LoadEnvFile(p)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadEnvFileMalformedNeverQuotesTheFile(t *testing.T) {
	const secret = "sk-live-DO-NOT-PRINT-1234567890"
	for name, body := range map[string]string{
		"unterminated quote": "OPENAI_API_KEY=\"" + secret + "\n",
		"bad name":           "OPENAI API KEY" + secret + "=x\n",
	} {
		t.Run(name, func(t *testing.T) {
			os.Unsetenv("OPENAI_API_KEY_UNUSED")
			p := writeEnv(t, "UTILS_TEST_BEFORE=1\n"+body)
			err := utils.LoadEnvFile(p)
			if !errors.Is(err, utils.ErrMalformedEnvFile) || !strings.Contains(err.Error(), p) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "sk-live") {
				t.Fatalf("error quotes the file: %v", err)
			}
			if _, set := os.LookupEnv("UTILS_TEST_BEFORE"); set {
				t.Errorf("a malformed file set variables")
			}
		})
	}
}

// A credential the file brings is redacted from then on — even one the
// environment overrides, so it is not in the environment to be found.
func TestLoadEnvFileRegistersCredentials(t *testing.T) {
	const key = "utils-test-credential-0123456789"
	t.Setenv("UTILS_TEST_API_KEY", "")
	if err := utils.LoadEnvFile(writeEnv(t, "UTILS_TEST_API_KEY="+key+"\nUTILS_TEST_PLAIN=not-a-secret-value\n")); err != nil {
		t.Fatal(err)
	}
	if !secret.Registered(key) || strings.Contains(secret.Redact("sent "+key), key) {
		t.Fatalf("not registered: Redact = %q", secret.Redact("sent "+key))
	}
	if secret.Registered("not-a-secret-value") {
		t.Fatalf("a plain variable was registered")
	}
}
