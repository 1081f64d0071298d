package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		offline bool
		model   string
		wantErr string
	}{
		{name: "nothing set: offline", env: nil, offline: true, model: provider.DefaultOpenAIModel},
		{name: "key: OpenAI", env: map[string]string{"OPENAI_API_KEY": "sk-abc"}, model: provider.DefaultOpenAIModel},
		{name: "model chosen", env: map[string]string{"OPENAI_API_KEY": "k", "OPENAI_MODEL": " gpt-4o "}, model: "gpt-4o"},
		{name: "base URL alone: local server", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1"}, model: provider.DefaultOpenAIModel},
		{name: "bad base URL", env: map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, wantErr: "OPENAI_BASE_URL"},
		{name: "ftp base URL", env: map[string]string{"OPENAI_BASE_URL": "ftp://host/v1"}, wantErr: "the scheme must be http or https"},
		{name: "no host", env: map[string]string{"OPENAI_BASE_URL": "http://:8080/v1"}, wantErr: "it names no host"},
		{name: "port out of range", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:99999/v1"}, wantErr: "the port must be 1–65535"},
		{name: "port 0", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:0/v1"}, wantErr: "the port must be 1–65535"},
		{name: "highest port", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:65535/v1"}, model: provider.DefaultOpenAIModel},
		{name: "control character", env: map[string]string{"OPENAI_BASE_URL": "http://x/\x01"}, wantErr: "it does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := provider.FromEnv(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Offline() != tt.offline || s.Model != tt.model {
				t.Fatalf("got offline=%t model=%q, want offline=%t model=%q", s.Offline(), s.Model, tt.offline, tt.model)
			}
		})
	}
}

func TestSettingsStringHidesKey(t *testing.T) {
	s := provider.Settings{APIKey: "sk-secret-123456", Model: "m"}
	if strings.Contains(s.String(), "sk-secret") || !strings.Contains(s.String(), "api_key=set") {
		t.Fatalf("String() = %q", s.String())
	}
}

func TestNewOffline(t *testing.T) {
	m, desc, err := provider.New(provider.Settings{Model: provider.DefaultOpenAIModel})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*offline.Model); !ok {
		t.Fatalf("got %T, want the offline model", m)
	}
	if !strings.Contains(desc, "offline") {
		t.Fatalf("description %q does not say offline", desc)
	}
}

func TestNewOpenAICompatibleServer(t *testing.T) {
	srv := openaitest.NewServer(t, offline.NewModel(), openaitest.WithAPIKey("sk-test-provider"))
	m, desc, err := provider.New(provider.Settings{APIKey: "sk-test-provider", Model: "gpt-test", BaseURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(desc, "sk-test") || !strings.Contains(desc, srv.URL()) || !strings.Contains(desc, "OPENAI_API_KEY is sent to it;") {
		t.Fatalf("description %q: want the URL and a notice that the key is sent, never the key", desc)
	}
	if _, err := m.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if srv.Hits() == 0 {
		t.Fatal("the server was not reached")
	}
}

// Where the key goes is said at start-up: never for OpenAI itself or a
// keyless server, loudly when it would cross the network unencrypted.
func TestNewSaysWhereTheKeyGoes(t *testing.T) {
	cases := []struct {
		s    provider.Settings
		want string
	}{
		{provider.Settings{APIKey: "sk-x", Model: "m"}, ""},
		{provider.Settings{Model: "m", BaseURL: "http://gw.example/v1"}, ""},
		{provider.Settings{APIKey: "sk-x", Model: "m", BaseURL: "http://localhost:11434/v1"}, "OPENAI_API_KEY is sent to it;"},
		{provider.Settings{APIKey: "sk-x", Model: "m", BaseURL: "http://[::1]:8000/v1"}, "OPENAI_API_KEY is sent to it;"},
		{provider.Settings{APIKey: "sk-x", Model: "m", BaseURL: "https://gw.example/v1"}, "OPENAI_API_KEY is sent to it;"},
		{provider.Settings{APIKey: "sk-x", Model: "m", BaseURL: "http://gw.example/v1"}, "UNENCRYPTED"},
	}
	for _, c := range cases {
		_, desc, err := provider.New(c.s)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == "" && strings.Contains(desc, "OPENAI_API_KEY is sent") || c.want != "" && !strings.Contains(desc, c.want) {
			t.Errorf("New(%+v) description = %q, want notice %q", c.s.BaseURL, desc, c.want)
		}
	}
}

// The settings decide the base URL, not a variable left in the process
// environment: a program reading a fake environment must not be sent
// elsewhere by the real one.
func TestSettingsBaseURLWinsOverProcessEnv(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	m, _, err := provider.New(provider.Settings{APIKey: "sk-x", Model: "gpt-test"})
	if err != nil {
		t.Fatal(err)
	}
	om, ok := m.(*openai.Model)
	if !ok {
		t.Fatalf("got %T", m)
	}
	if om.BaseURL() != openai.DefaultBaseURL {
		t.Fatalf("BaseURL() = %q, want %q", om.BaseURL(), openai.DefaultBaseURL)
	}
}

// Issue 8, input 10: credentials in OPENAI_BASE_URL are never printed.
func TestDisplayURLHidesCredentials(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://user:pass@host/v1", "http://user:***@host/v1"},
		{"https://alice:s3cr%40t@gw.example:8443/openai/v1", "https://alice:***@gw.example:8443/openai/v1"},
		{"https://tok_ABC123@gw.example/v1", "https://***@gw.example/v1"},
		{"http://host/v1?api-key=SECRETKEY&x=1", "http://host/v1?api-key=***&x=***"},
		{"http://localhost:11434/v1", "http://localhost:11434/v1"},
		{"", ""},
		{"http//user:pass@host\x7f/v1", "***@host\x7f/v1"},
		{"http//user:pass@host/v1", "***@host/v1"},
		// Not parseable (a bad port): the query and fragment still hide.
		{"http://127.0.0.1:port/v1?key=QSECRET9", "http://127.0.0.1:port/v1?***"},
		{"http://127.0.0.1:port/v1#QSECRET9", "http://127.0.0.1:port/v1#***"},
		{"http://u:p@127.0.0.1:port/v1?sig=QSECRET9", "***@127.0.0.1:port/v1?***"},
	}
	for _, c := range cases {
		if got := provider.DisplayURL(c.in); got != c.want {
			t.Errorf("DisplayURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNothingPrintsTheBaseURLCredentials(t *testing.T) {
	const secret = "pa55w0rd-SECRET"
	srv := openaitest.NewServer(t, offline.NewModel())
	base := strings.Replace(srv.URL(), "http://", "http://user:"+secret+"@", 1)
	s, err := provider.FromEnv(env(map[string]string{"OPENAI_BASE_URL": base, "OPENAI_API_KEY": "sk-key-XYZ123"}))
	if err != nil {
		t.Fatal(err)
	}
	m, desc, err := provider.New(s)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := m.Ping(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	printed := []string{desc, s.String(), fmt.Sprintf("%v %+v %#v", s, s, s), pr.Detail}
	if _, err := provider.FromEnv(env(map[string]string{"OPENAI_BASE_URL": "ftp://user:" + secret + "@host/v1"})); err != nil {
		printed = append(printed, err.Error())
	}
	if _, err := provider.FromEnv(env(map[string]string{"OPENAI_BASE_URL": "http://user:" + secret + "@ho st/v1"})); err != nil {
		printed = append(printed, err.Error())
	}
	for _, p := range printed {
		if strings.Contains(p, secret) || strings.Contains(p, "sk-key-XYZ123") {
			t.Errorf("printed a secret: %q", p)
		}
	}
	if !strings.Contains(desc, "user:***@") {
		t.Errorf("description %q does not show the display form", desc)
	}
}

// FromEnvModel is FromEnv then New: the environment's model and its
// start-up line, or FromEnv's error.
func TestFromEnvModel(t *testing.T) {
	m, about, err := provider.FromEnvModel(env(nil))
	if _, ok := m.(*offline.Model); err != nil || !ok || !strings.Contains(about, "offline") {
		t.Errorf("nothing set: %T, %q, %v; want the offline model", m, about, err)
	}
	m, about, err = provider.FromEnvModel(env(map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "OPENAI_MODEL": "local"}))
	if _, ok := m.(*openai.Model); err != nil || !ok || !strings.Contains(about, "Model: local on") {
		t.Errorf("base URL set: %T, %q, %v; want the server's model", m, about, err)
	}
	if m, _, err := provider.FromEnvModel(env(map[string]string{"OPENAI_BASE_URL": "ftp://x"})); err == nil || m != nil {
		t.Errorf("bad base URL: %v, %v; want FromEnv's error", m, err)
	}
}

// On a compatible server with OPENAI_MODEL unset, the start-up line says
// the model name is only the default (a one-model server answers with
// its own); a name the environment set, or OpenAI itself, is just named.
func TestDefaultModelNameIsSaid(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OPENAI_BASE_URL": "http://localhost:8080/v1"}, "Model: gpt-4o-mini on the OpenAI-compatible server http://localhost:8080/v1. OPENAI_MODEL is not set, so that name is only the default"},
		{map[string]string{"OPENAI_BASE_URL": "http://localhost:8080/v1", "OPENAI_MODEL": "tiny-qwen"}, "Model: tiny-qwen on the OpenAI-compatible server http://localhost:8080/v1."},
		{map[string]string{"OPENAI_API_KEY": "sk-x"}, "Model: gpt-4o-mini on OpenAI."},
	} {
		_, desc, err := provider.FromEnvModel(func(k string) string { return c.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(desc, c.want) {
			t.Errorf("%v: %q, want %q in it", c.env, desc, c.want)
		}
	}
}
