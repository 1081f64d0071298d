package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// The pattern: a chat whose conversation outlives the process and whose
// model calls stay inside the model's context window. newChat builds it,
// ask asks one question; neither prints anything.

// maxTurns caps what a run is given of the stored conversation (and so
// what the store keeps): the newest 50 turns.
const maxTurns = 50

// Chat is one customer's support conversation: an agent whose session
// keeps the conversation in a store (package aigentic/conversation), with
// a compactor (package aigentic/window) that keeps what each model call
// sends within the model's context window.
type Chat struct {
	agent aigentic.Agent
	conv  *conversation.Conversation
}

// newChat returns the chat of conversation id in store, on model, its
// model calls kept within the window by compactor. Make the compactor
// once (window.New) and share it among the process's chats: it serves
// them concurrently, and what it learns — a window a server named, how
// the model counts tokens — serves them all. Every run starts from the
// newest maxTurns turns of the conversation, and adds its own when it
// ends; the compactor shortens only what is sent, never what is stored.
// Its errors wrap conversation.ErrInvalidID or
// conversation.ErrInvalidOptions, or window.ErrInvalidOptions for a nil
// compactor.
func newChat(model ai.Model, store conversation.Store, id string, compactor *window.Compactor) (*Chat, error) {
	if compactor == nil {
		return nil, fmt.Errorf("%w: the compactor is nil: make one with window.New", window.ErrInvalidOptions)
	}
	conv, err := conversation.New(store, id, conversation.Options{MaxTurns: maxTurns})
	if err != nil {
		return nil, err
	}
	session := aigentic.NewSession(context.Background())
	session.History = conv
	return &Chat{
		conv: conv,
		agent: aigentic.Agent{
			Model:        model,
			Name:         "support",
			Instructions: instructions,
			// tracking_log first: a model that calls the first tool it
			// is offered gets the large results too.
			AgentTools:   []aigentic.AgentTool{trackingLogTool(), lookupOrderTool()},
			Session:      session,
			Interceptors: []aigentic.Interceptor{compactor},
			MaxLLMCalls:  6,
			Retries:      2,
			Logger:       slog.New(slog.DiscardHandler),
		},
	}, nil
}

// Reply is what one question gave.
type Reply struct {
	// Answer is the model's answer; "" when the run failed.
	Answer string
	// History are the messages the run was given from the stored
	// conversation, oldest first; Added the messages it added: the
	// question, the tool calls and results, the answer.
	History, Added []ai.Message
	// Events are the run's events, in order.
	Events []aigentic.Event
	// Compactions are the compactor's decisions (By window.DecisionBy),
	// each with the estimated prompt before and after.
	Compactions []hook.Decision
	// Sent is what each model request sent, after the compactor, in
	// order; none when the run stopped before its first request.
	Sent []Request
	// Refusals are the context-length errors servers answered with.
	Refusals []*ai.ContextLengthError
	// Stats are the run's: model and tool calls, tokens, Compactions and
	// CompactedTokens.
	Stats aigentic.Stats
}

// Request is one model request as it was sent.
type Request struct {
	// Call is the run's model call (1-based).
	Call int
	// Messages are the messages sent.
	Messages []ai.Message
	// Tokens is their estimate with the tool definitions
	// (window.RequestTokens); Counted the prompt tokens the model
	// reported (its usage), 0 when it reported none or failed.
	Tokens, Counted int
	// Refused is set when the server refused the request as too long
	// (Reply.Refusals has its error).
	Refused bool
}

// ask asks question in the chat, bound to ctx: the run starts from the
// stored conversation and adds its messages to it when it ends (package
// aigentic's Session.History). The Reply says what the run did; it is nil
// only when the run did not start (the store could not be read: an
// *aigentic.HistoryError, Op "load"). A window too small even for the
// instructions, the tools and the question ends the run before anything
// is sent, with an error matching window.ErrWindowTooSmall, and stores
// nothing.
func ask(ctx context.Context, c *Chat, question string) (*Reply, error) {
	rec := &recorder{}
	agent := c.agent
	agent.Observers = append(slices.Clip(agent.Observers), rec)
	run, err := agent.StartContext(ctx, question)
	if err != nil {
		return nil, err
	}
	var events []aigentic.Event
	for ev := range run.Next() {
		events = append(events, ev)
	}
	answer, err := run.Wait(0)
	r := rec.reply()
	r.Answer, r.Events, r.Stats = answer, events, run.Stats()
	r.History, r.Added = split(run.Messages())
	return r, err
}

// split parts a run's transcript into the stored conversation it was
// given and what it added, from its question (the last user message) on;
// the instructions are in neither.
func split(msgs []ai.Message) (history, added []ai.Message) {
	head := 0
	for head < len(msgs) && msgs[head].Role == ai.RoleSystem {
		head++
	}
	q := len(msgs)
	for i := len(msgs) - 1; i >= head; i-- {
		if msgs[i].Role == ai.RoleUser {
			q = i
			break
		}
	}
	return msgs[head:q], msgs[q:]
}

// recorder is an observer (hook.Observer) of one run: what each model
// request sent, the compactor's decisions and the servers' refusals.
type recorder struct {
	mu sync.Mutex
	r  Reply
}

// Observe implements hook.Observer.
func (o *recorder) Observe(ctx context.Context, step hook.Step) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch s := step.(type) {
	case *hook.ModelStart:
		o.r.Sent = append(o.r.Sent, Request{Call: s.Call, Messages: slices.Clone(s.Request.Messages), Tokens: window.RequestTokens(*s.Request)})
	case *hook.Decision:
		if s.By == window.DecisionBy {
			o.r.Compactions = append(o.r.Compactions, *s)
		}
	case *hook.ModelEnd:
		n := len(o.r.Sent)
		if cle, ok := errors.AsType[*ai.ContextLengthError](s.Err); ok {
			o.r.Refusals = append(o.r.Refusals, cle)
			if n > 0 {
				o.r.Sent[n-1].Refused = true
			}
		}
		if n > 0 && s.Response != nil {
			o.r.Sent[n-1].Counted = s.Response.Usage.InputTokens
		}
	}
	return ctx
}

func (o *recorder) reply() *Reply {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.r
	return &r
}
