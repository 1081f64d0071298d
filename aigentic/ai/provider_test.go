package ai_test

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

type plainModel struct{}

func (*plainModel) ModelName() string { return "m" }
func (*plainModel) Generate(context.Context, ai.Request) (*ai.Response, error) {
	return &ai.Response{}, nil
}
func (*plainModel) Ping(context.Context) (*ai.PingResult, error) { return &ai.PingResult{}, nil }

type namedModel struct{ plainModel }

func (namedModel) ProviderName() string { return "azure.ai.openai" }

func TestProviderName(t *testing.T) {
	if got := ai.ProviderName(&plainModel{}); got != "ai_test" {
		t.Errorf("a model without ProviderName: %q, want its package's name ai_test", got)
	}
	if got := ai.ProviderName(&namedModel{}); got != "azure.ai.openai" {
		t.Errorf("a model with ProviderName: %q", got)
	}
}

// IsNil finds a nil model and a typed nil inside the interface; a real
// model is not nil.
func TestIsNil(t *testing.T) {
	var typed *plainModel
	for m, want := range map[ai.Model]bool{nil: true, typed: true, &plainModel{}: false} {
		if got := ai.IsNil(m); got != want {
			t.Errorf("IsNil(%#v) = %v, want %v", m, got, want)
		}
	}
}
