package openai_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// toServer sends every request, whatever its host, to the test server, so
// a model on the default base URL can be observed without the network.
type toServer struct{ target *url.URL }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = t.target.Scheme, t.target.Host
	r.Host = t.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// NewModel(name, "") reads OPENAI_API_KEY for OpenAI's own API, as the
// aigentic library does.
func TestNewModelReadsTheKeyFromTheEnvironment(t *testing.T) {
	const envKey = "sk-env-key-0123456789"
	var got []string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		writeJSON(w, 200, completion("hi", "stop"))
	})
	u, _ := url.Parse(api.URL())
	client := &http.Client{Transport: toServer{u}}
	t.Setenv(openai.EnvBaseURL, "")
	t.Setenv(openai.EnvAPIKey, "  "+envKey+"\n")

	m := openai.NewModel("gpt-4o-mini", "", openai.WithHTTPClient(client))
	if m.BaseURL() != openai.DefaultBaseURL {
		t.Fatalf("BaseURL = %q", m.BaseURL())
	}
	if _, err := m.Generate(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	// An explicit key wins over the environment.
	m2 := openai.NewModel("gpt-4o-mini", "sk-explicit-key-0000", openai.WithHTTPClient(client))
	if _, err := m2.Generate(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	want := []string{"Bearer " + envKey, "Bearer sk-explicit-key-0000"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Authorization headers = %q, want %q", got, want)
	}
}

// The configuration error tells the truth about OPENAI_API_KEY.
func TestNoKeyErrorSaysWhatIsWrong(t *testing.T) {
	t.Setenv(openai.EnvBaseURL, "")
	for _, tc := range []struct {
		env, want, notWant string
	}{
		{"", "OPENAI_API_KEY is not set", "white space"},
		{" \t", "OPENAI_API_KEY is set but holds only white space", "is not set"},
	} {
		t.Setenv(openai.EnvAPIKey, tc.env)
		_, err := openai.New("gpt-4o-mini", "")
		if !errors.Is(err, openai.ErrNoAPIKey) || !errors.Is(err, ai.ErrPermanent) {
			t.Fatalf("env %q: %v", tc.env, err)
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.notWant) {
			t.Errorf("env %q: message %q, want it to say %q", tc.env, msg, tc.want)
		}
	}
	// Set: no error at all.
	t.Setenv(openai.EnvAPIKey, "sk-set")
	if _, err := openai.New("gpt-4o-mini", ""); err != nil {
		t.Fatalf("key set: %v", err)
	}
}
