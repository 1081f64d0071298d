package replay

import (
	"errors"
	"fmt"
	"os"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// ReplayBaseURL is the base URL of the models [Recorder.OpenAI] builds
// when replaying: in the .invalid top-level domain (RFC 2606), which never
// resolves — and a replaying Recorder makes no connection anyway.
const ReplayBaseURL = "http://replay.invalid/v1"

// ErrNoServer: recording needs a real server and none is configured.
var ErrNoServer = errors.New("replay: recording needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a compatible server)")

// OpenAI returns an aigentic/openai model whose requests go through r,
// with opts after the Recorder's own.
//
// Recording, it is the model the environment names, as the examples read
// it (package provider): OPENAI_MODEL (default gpt-4o-mini) on
// OPENAI_BASE_URL, else OpenAI, with OPENAI_API_KEY; with neither a key
// nor a base URL it returns [ErrNoServer].
//
// Replaying, it needs no key and no environment: the model is named as in
// the recording's first chat completion, on [ReplayBaseURL].
func (r *Recorder) OpenAI(opts ...openai.Option) (*openai.Model, error) {
	if r.mode == ModeRecord {
		s, err := provider.FromEnv(os.Getenv)
		if err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		if s.Offline() {
			return nil, ErrNoServer
		}
		base := s.BaseURL
		if base == "" {
			base = openai.DefaultBaseURL
		}
		return openai.New(s.Model, s.APIKey, append([]openai.Option{openai.WithBaseURL(base), openai.WithHTTPClient(r.Client())}, opts...)...)
	}
	name := r.RecordedModel()
	if name == "" {
		name = "unrecorded" // no chat completion recorded: any request will mismatch
	}
	return openai.New(name, "", append([]openai.Option{openai.WithBaseURL(ReplayBaseURL), openai.WithHTTPClient(r.Client())}, opts...)...)
}

// RecordedModel is the model named by the recording's first chat
// completion request, or "" (recording, or no chat completion recorded).
func (r *Recorder) RecordedModel() string {
	for _, x := range r.xs {
		if m, ok := x.body.v.(map[string]any); ok {
			if name, ok := m["model"].(string); ok && name != "" {
				return name
			}
		}
	}
	return ""
}
