package aigentic_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// What the agent is given besides its model, tools and interceptors — a
// RateLimiter, a Session's History, a RetryPolicy's Rand and Sleep — may
// panic too: the run ends with a *PanicError naming the source, from
// Execute and from a started run alike, never the process.

type panicLimiter struct{}

func (panicLimiter) Wait(context.Context) error { panic("limiter boom") }

type panicHistory struct{ onLoad bool }

func (h panicHistory) Load(context.Context) ([]ai.Message, error) {
	if h.onLoad {
		panic("load boom")
	}
	return nil, nil
}

func (h panicHistory) Append(context.Context, []ai.Message) error { panic("append boom") }

func TestPanicsOfWhatTheAgentIsGiven(t *testing.T) {
	transient := func() aitest.Step { return aitest.Fail(aitest.StatusError(503, 0)) }
	noSleep := func(context.Context, time.Duration) error { return nil }
	for _, c := range []struct {
		name   string
		agent  func(m ai.Model) aigentic.Agent
		steps  []aitest.Step
		source aigentic.PanicSource
		check  func(t *testing.T, err error, answer string)
	}{
		{"rate limiter", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: m, RateLimiter: panicLimiter{}}
		}, []aitest.Step{aitest.Reply("ok")}, aigentic.PanicInRateLimiter, func(t *testing.T, err error, _ string) {
			if errors.Is(err, aigentic.ErrRateLimited) {
				t.Errorf("a panicking limiter reported as back-pressure: %v", err)
			}
		}},
		{"history load", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: m, Session: &aigentic.Session{Context: context.Background(), History: panicHistory{onLoad: true}}}
		}, []aitest.Step{aitest.Reply("ok")}, aigentic.PanicInHistory, func(t *testing.T, err error, _ string) {
			if !errors.Is(err, aigentic.ErrHistory) {
				t.Errorf("not a history error: %v", err)
			}
		}},
		{"history append", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: m, Session: &aigentic.Session{Context: context.Background(), History: panicHistory{}}}
		}, []aitest.Step{aitest.Reply("kept")}, aigentic.PanicInHistory, func(t *testing.T, err error, _ string) {
			var he *aigentic.HistoryError
			if !errors.As(err, &he) || he.Answer != "kept" {
				t.Errorf("the answer is not kept: %v", err)
			}
		}},
		{"retry policy sleep", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: m, Retries: 1, RetryPolicy: &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { panic("sleep boom") }}}
		}, []aitest.Step{transient(), aitest.Reply("ok")}, aigentic.PanicInRetryPolicy, nil},
		{"retry policy rand", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: m, Retries: 1, RetryPolicy: &aigentic.RetryPolicy{Sleep: noSleep, Rand: func() float64 { panic("rand boom") }}}
		}, []aitest.Step{transient(), aitest.Reply("ok")}, aigentic.PanicInRetryPolicy, nil},
		{"model name", func(m ai.Model) aigentic.Agent {
			return aigentic.Agent{Model: panicName{m}}
		}, []aitest.Step{aitest.Reply("ok")}, aigentic.PanicInModel, nil},
	} {
		for _, started := range []bool{false, true} {
			t.Run(c.name, func(t *testing.T) {
				agent := c.agent(aitest.NewScripted(c.steps...))
				agent.Logger = discardLogger()
				var answer string
				var err error
				if started {
					run, serr := agent.Start("hi")
					if serr != nil {
						err = serr
					} else {
						answer, err = run.Wait(0)
					}
				} else {
					answer, err = agent.Execute("hi")
				}
				var pe *aigentic.PanicError
				if !errors.As(err, &pe) || pe.Source != c.source || errors.Is(err, aigentic.ErrToolPanic) {
					t.Fatalf("err = %v (%T), want a *PanicError from the %s", err, err, c.source)
				}
				if c.check != nil {
					c.check(t, err, answer)
				}
			})
		}
	}
}

// panicName is a model whose ModelName panics.
type panicName struct{ ai.Model }

func (panicName) ModelName() string { panic("name boom") }

// A typed nil model (openai.New's *Model beside its error) is an invalid
// agent, as a nil one is, not a nil-pointer panic.
func TestTypedNilModelIsInvalid(t *testing.T) {
	var m *aitest.Scripted
	if _, err := (aigentic.Agent{Model: m}).Execute("hi"); !errors.Is(err, aigentic.ErrInvalidAgent) {
		t.Fatalf("err = %v, want ErrInvalidAgent", err)
	}
}
