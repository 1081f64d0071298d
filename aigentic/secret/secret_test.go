package secret_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// mustHide fails when text still holds value.
func mustHide(t *testing.T, what, text, value string) {
	t.Helper()
	if strings.Contains(text, value) {
		t.Fatalf("%s: %q still holds %q", what, text, value)
	}
	if !strings.Contains(text, secret.Placeholder) {
		t.Fatalf("%s: %q has no %s", what, text, secret.Placeholder)
	}
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// A registered key in a format no pattern knows, written by the real
// encoders the runtime and servers use: JSON (once, and a JSON document
// inside a JSON string), a query string, a URL path, an HTTP header.
func TestRegisteredValueInEveryEncoding(t *testing.T) {
	key := `Xk9+Qv/Code"Key\<tag>&é=`
	secret.Register(key)
	once := marshal(map[string]string{"api": key})
	twice := marshal(map[string]string{"arguments": once})
	q := url.Values{"token": {key}}.Encode()
	u := url.URL{Scheme: "https", Host: "h", Path: "/v1/" + key}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+key)
	var hb strings.Builder
	_ = h.Write(&hb)
	cases := map[string]string{
		"raw":          "the key is " + key + " ok",
		"json":         once,
		"json in json": twice,
		"query":        "https://h/v1?" + q,
		"path":         u.String(),
		"header":       hb.String(),
		"ascii json":   `{"api":"Xk9+Qv/Code\"Key\\\u003ctag\u003e\u0026\u00e9="}`,
	}
	forms := []string{key, once[8 : len(once)-2], url.QueryEscape(key), url.PathEscape(key), `\u00e9=`}
	for name, text := range cases {
		got := secret.Redact(text)
		for _, f := range forms[:4] {
			if strings.Contains(got, f) {
				t.Errorf("%s: %q still holds the form %q", name, got, f)
			}
		}
		if !strings.Contains(got, secret.Placeholder) {
			t.Errorf("%s: %q not redacted", name, got)
		}
	}
	// The text around the secret survives.
	if got := secret.Redact("the key is " + key + " ok"); got != "the key is [REDACTED] ok" {
		t.Fatalf("got %q", got)
	}
}

func TestLongestValueWins(t *testing.T) {
	short, long := "overlapSecret1", "overlapSecret1-and-more"
	secret.Register(short, long)
	if got := secret.Redact("x " + long + " y " + short); got != "x [REDACTED] y [REDACTED]" {
		t.Fatalf("got %q", got)
	}
}

func TestShortValuesAreNotRegistered(t *testing.T) {
	secret.Register("1234567", "  tiny  ", "")
	for _, s := range []string{"1234567", "tiny"} {
		if secret.Registered(s) {
			t.Fatalf("%q registered: shorter than MinLen", s)
		}
		if got := secret.Redact("order " + s + " shipped"); got != "order "+s+" shipped" {
			t.Fatalf("Redact changed ordinary text: %q", got)
		}
	}
	secret.Register(" 12345678 ")
	if !secret.Registered("12345678") || secret.Redact("id 12345678") != "id [REDACTED]" {
		t.Fatal("an 8-byte value (trimmed) must be registered")
	}
}

func TestWatchedEnvIsReadOnEveryCall(t *testing.T) {
	v := "envKeyNoPrefix-7c1e93ab"
	if got := secret.Redact("before " + v); got != "before "+v {
		t.Fatalf("redacted before it was set: %q", got)
	}
	t.Setenv("OPENAI_API_KEY", v)
	mustHide(t, "after Setenv", secret.Redact("after "+v), v)
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"OPENAI_API_KEY": true, "GITHUB_TOKEN": true, "DB_PASSWORD": true, "stripe_apikey": true,
		"CLIENT_SECRET": true, "AWS_SECRET_ACCESS_KEY": true, "KEY": true, "PROXY_AUTHORIZATION": true,
		"XKB_KEYMAP": false, "HOME": false, "TOKENIZERS_PARALLELISM": false, "MONKEY": false, "PATH": false,
	} {
		if got := secret.IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRegisterEnviron(t *testing.T) {
	v := "svcTokenValue-0d9f8e7a"
	t.Setenv("PAYMENTS_SERVICE_TOKEN", v)
	t.Setenv("SOME_SETTING", "notASecretButLong")
	secret.RegisterEnviron()
	mustHide(t, "environ", secret.Redact("token "+v), v)
	if got := secret.Redact("value notASecretButLong"); got != "value notASecretButLong" {
		t.Fatalf("a variable not named like a credential was redacted: %q", got)
	}
}

// The examples load .env through internal/cli.LoadDotEnv, which sets the
// environment: OPENAI_API_KEY from a .env is caught with no further call;
// other credentials after RegisterEnviron (the one call the loader makes).
func TestDotEnvLoadedByTheExamples(t *testing.T) {
	dir := t.TempDir()
	key, tok := "dotenvKey-Not-Sk-11aa22bb", "dotenvTok-33cc44dd55"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("OPENAI_API_KEY="+key+"\nBILLING_TOKEN="+tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"OPENAI_API_KEY", "BILLING_TOKEN"} {
		t.Setenv(name, "") // restored after the test
		os.Unsetenv(name)  // LoadDotEnv never overrides a set variable
	}
	if _, err := cli.LoadDotEnv(dir); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("OPENAI_API_KEY") != key {
		t.Fatal(".env not loaded into the environment")
	}
	mustHide(t, "OPENAI_API_KEY from .env", secret.Redact("k="+key), key)
	secret.RegisterEnviron()
	mustHide(t, "BILLING_TOKEN from .env", secret.Redact("t "+tok), tok)
}

func TestPatternsStillApply(t *testing.T) {
	for _, in := range []string{"sk-abcdefghijklmnop", "Authorization: Bearer abc.def-ghi_jkl", `{"api_key": "abcd1234efgh"}`} {
		if got := secret.Redact(in); !strings.Contains(got, secret.Placeholder) {
			t.Errorf("Redact(%q) = %q", in, got)
		}
	}
	for _, clean := range []string{"hello world", "a keyboard: qwerty", "token budget"} {
		if got := secret.Redact(clean); got != clean {
			t.Errorf("Redact(%q) = %q", clean, got)
		}
	}
}

// A key or a registered value percent-encoded, as in a URL's path or
// query, is redacted too; percent-escapes with no secret behind them are
// left as they are.
func TestPercentEncodedSecretsAreRedacted(t *testing.T) {
	secret.Register("percent-horse-battery-staple-42")
	for in, leak := range map[string]string{
		"http://127.0.0.1:18089/%73k-live-SECRET1234567890abcdef/v1": "SECRET1234567890",
		"http://h/v1?key=%73k-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345": "AbCdEfGhIjKlMnOp",
		"/p/percent%2Dhorse%2dbattery-staple-42":                     "horse",
	} {
		if got := secret.Redact(in); strings.Contains(got, leak) || !strings.Contains(got, secret.Placeholder) {
			t.Errorf("Redact(%s) = %s", in, got)
		}
	}
	for _, clean := range []string{"100% sure", "http://h/a%20b/%41?q=%7e", "50%-off code"} {
		if got := secret.Redact(clean); got != clean {
			t.Errorf("Redact(%s) = %s", clean, got)
		}
	}
}

// A key or a registered value written with JSON escapes — valid JSON, the
// same value to any decoder — is redacted too; the rest of the text keeps
// its meaning.
func TestEscapedSecretsAreRedacted(t *testing.T) {
	const reg = "correct-horse-battery-staple-42"
	secret.Register(reg, "escaped/slash-value-99")
	for in, leak := range map[string]string{
		`{"text":"sk\u002dproj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH"}`:      "AbCdEfGhIjKlMnOp",
		`{"text":"\u0073\u006B-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH"}`: "AbCdEfGhIjKlMnOp",
		`{"text":"correct\u002dhorse\u002dbattery\u002dstaple\u002d42"}`:            "horse",
		`{"text":"escaped\/slash-value-99"}`:                                        "slash-value",
		`{"arguments":"{\"text\":\"correct\\u002dhorse-battery-staple-42\"}"}`:      "horse",
		`{"api\u005fkey":"abcd1234efgh"}`:                                           "abcd1234efgh",
	} {
		got := secret.Redact(in)
		if strings.Contains(got, leak) || !strings.Contains(got, secret.Placeholder) {
			t.Errorf("Redact(%s) = %s", in, got)
		}
		var v any
		if json.Valid([]byte(in)) && json.Unmarshal([]byte(got), &v) != nil {
			t.Errorf("Redact(%s) = %s: no longer JSON", in, got)
		}
	}
	// Escapes with no secret behind them are left as they are.
	for _, clean := range []string{`{"t":"caf\u00e9 \u0041\/b"}`, `a\u002db`, `\ud83d\ude00 \u12 \`} {
		if got := secret.Redact(clean); got != clean {
			t.Errorf("Redact(%s) = %s", clean, got)
		}
	}
}

// An OpenAI-style key is found after any character but a letter or a
// digit: after "_" (KEY_sk-…) too, not inside a word (task-…, disk-…).
func TestKeyPatternBoundary(t *testing.T) {
	const key = "sk-proj-AbCdEfGhIjKlMnOp"
	for _, before := range []string{"", " ", "KEY_", "OPENAI_API_KEY_", "=", "(", "-", "\"", "é"} {
		if got := secret.Redact(before + key); got != before+secret.Placeholder {
			t.Errorf("Redact(%q) = %q", before+key, got)
		}
	}
	for _, clean := range []string{"task-abcdefghijkl", "disk-abcdefghijkl", "risk-assessment-v2", "ask-the-user-first", "Task-ABCDEFGHIJ", "flask-app-server"} {
		if got := secret.Redact("see " + clean); got != "see "+clean {
			t.Errorf("Redact(%q) = %q: not a key", clean, got)
		}
	}
}

func TestConcurrentRegisterAndRedact(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := fmt.Sprintf("concurrentSecret-%02d-xyz", i)
			secret.Register(v)
			for range 100 {
				if got := secret.Redact("a " + v + " b"); got != "a [REDACTED] b" {
					t.Errorf("got %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkRedact(b *testing.B) {
	for i := range 5 {
		secret.Register(fmt.Sprintf("benchSecretValue-%d-abcdef", i))
	}
	clean := strings.Repeat("The weather in Paris is sunny, 21 degrees. ", 24) // ~1 KiB
	dirty := clean + "benchSecretValue-3-abcdef"
	escaped := clean + `caf\u00e9 \"quoted\"` // escapes, no secret
	escapedSecret := clean + `benchSecretValue\u002d3-abcdef`
	b.Run("clean-1KiB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = secret.Redact(clean)
		}
	})
	b.Run("with-secret-1KiB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = secret.Redact(dirty)
		}
	})
	b.Run("escapes-1KiB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = secret.Redact(escaped)
		}
	})
	b.Run("escaped-secret-1KiB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = secret.Redact(escapedSecret)
		}
	})
}
