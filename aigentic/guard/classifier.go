package guard

import (
	"context"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// Classification is a Classifier's answer: a typed answer its model gives.
type Classification struct {
	Allowed bool   `json:"allowed" description:"true when the text follows the policy, false when it does not"`
	Reason  string `json:"reason" description:"why, in one short sentence, without quoting the text"`
}

// Classifier is a guard that asks a model whether the text follows
// policy: agent — a small, cheap model, with its own limits — runs on the
// policy, then the text delimited as data (untrusted.Delimit, so the text
// cannot instruct it), and answers a Classification
// (aigentic.ExecuteAs). Not allowed trips the guard with the model's
// reason; an answer that never matches, or a failed run, is the guard's
// failure (see Guard.FailOpen).
//
// The classifier's run is its own, not part of the guarded run: its calls
// and tokens are counted against agent.MaxLLMCalls and agent.Budget (set
// both: MaxLLMCalls 3 allows one answer and two follow-ups), and not in
// the guarded run's Stats. It runs with the guard's deadline (set
// Guard.Timeout on the result). The agent may carry the same Guards: they
// do not check their own classifier's run.
func Classifier(name string, agent aigentic.Agent, policy string) Guard {
	return Guard{Name: name, Check: func(ctx context.Context, s Subject) (Verdict, error) {
		msg := policy + "\n\nDoes the text below follow this policy? Answer with allowed true or false and a short reason.\n\n" +
			untrusted.Delimit(string(s.Point), s.Text)
		c, err := aigentic.ExecuteAs[Classification](ctx, agent, msg)
		if err != nil {
			return Verdict{}, fmt.Errorf("classifier: %w", err)
		}
		if c.Allowed {
			return Verdict{Reason: c.Reason}, nil
		}
		return Trip(c.Reason), nil
	}}
}
