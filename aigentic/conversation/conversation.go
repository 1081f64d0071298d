package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// Errors of the package. Every error it returns for bad input or a
// broken store wraps one of these (or a Store's own error), so errors.Is
// tells them apart.
var (
	// ErrInvalidID is wrapped by the error of a conversation id that is
	// not 1-64 characters of a-z, 0-9, _ and -.
	ErrInvalidID = errors.New("conversation: invalid conversation id")
	// ErrInvalidOptions is wrapped by New's error for a negative cap.
	ErrInvalidOptions = errors.New("conversation: invalid options")
	// ErrInvalidMessages is wrapped by Append's error for messages a
	// model would refuse: a system message, a tool result without its
	// call, a tool call left unanswered. Nothing is stored.
	ErrInvalidMessages = errors.New("conversation: invalid messages")
	// ErrCorrupt is wrapped by Load's error when what a store holds
	// cannot be read back as a conversation. Nothing is changed.
	ErrCorrupt = errors.New("conversation: corrupt conversation")
)

// Options configure a [Conversation]. A zero cap is no limit.
type Options struct {
	// MaxTurns is the most turns Load gives a run: the newest, whole. A
	// turn is a user message and everything up to the next one.
	MaxTurns int
	// MaxTokens is the most tokens (estimated with window.MessagesTokens)
	// Load gives a run: the newest whole turns that fit.
	MaxTokens int
	// Logger receives a warning when older segments could not be removed
	// from the store after an Append (the Append itself succeeded); nil
	// means slog.Default().
	Logger *slog.Logger
}

// Conversation is one conversation in a Store, with caps: an
// aigentic.History. Set it as a session's History:
//
//	session.History, err = conversation.New(store, "alice", conversation.Options{MaxTurns: 50})
//
// Load gives a run the newest whole turns within the caps (package
// aigentic/window may still compact what is sent); Append stores a run's
// messages as one segment, all or nothing, then removes from the store the
// segments Load can no longer return. Safe for concurrent use.
type Conversation struct {
	store Store
	id    string
	opts  Options
}

// New returns the conversation id of store. It fails with an error
// wrapping ErrInvalidID for a bad id and ErrInvalidOptions for a negative
// cap or a nil store.
func New(store Store, id string, opts Options) (*Conversation, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: the store is nil", ErrInvalidOptions)
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if opts.MaxTurns < 0 || opts.MaxTokens < 0 {
		return nil, fmt.Errorf("%w: MaxTurns %d, MaxTokens %d: a cap is 0 (none) or more", ErrInvalidOptions, opts.MaxTurns, opts.MaxTokens)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Conversation{store: store, id: id, opts: opts}, nil
}

// ID returns the conversation's id.
func (c *Conversation) ID() string { return c.id }

// Load implements aigentic.History: the newest whole turns within the
// caps, oldest first. It fails with an error wrapping ErrCorrupt when the
// stored messages are not a conversation a model accepts.
func (c *Conversation) Load(ctx context.Context) ([]ai.Message, error) {
	segs, err := c.store.Load(ctx, c.id)
	if err != nil {
		return nil, fmt.Errorf("conversation %s: load: %w", c.id, err)
	}
	msgs, err := join(c.id, segs)
	if err != nil {
		return nil, err
	}
	return Cap(msgs, c.opts.MaxTurns, c.opts.MaxTokens), nil
}

// Append implements aigentic.History: it stores msgs as one segment, all
// or nothing. Messages that break the tool-call rules fail with
// ErrInvalidMessages; a store's failure is returned wrapped, with nothing
// already stored lost. It then removes the segments that lie wholly
// before what Load returns; a failure there is logged, not returned (the
// messages are stored; the next Append tries again).
func (c *Conversation) Append(ctx context.Context, msgs []ai.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := Check(msgs); err != nil {
		return fmt.Errorf("conversation %s: append: %w", c.id, err)
	}
	if err := c.store.Append(ctx, c.id, msgs); err != nil {
		return fmt.Errorf("conversation %s: append: %w", c.id, err)
	}
	if c.opts.MaxTurns == 0 && c.opts.MaxTokens == 0 {
		return nil
	}
	if err := c.prune(ctx); err != nil {
		c.opts.Logger.Warn("conversation: older segments not removed (the new messages are stored)",
			"conversation", c.id, "error", err)
	}
	return nil
}

// prune removes the segments that lie wholly before the capped part.
func (c *Conversation) prune(ctx context.Context) error {
	segs, err := c.store.Load(ctx, c.id)
	if err != nil {
		return err
	}
	msgs, err := join(c.id, segs)
	if err != nil {
		return err
	}
	from := len(msgs) - len(Cap(msgs, c.opts.MaxTurns, c.opts.MaxTokens))
	var keys []string
	end := 0
	for _, s := range segs {
		end += len(s.Messages)
		if end > from {
			break
		}
		keys = append(keys, s.Key)
	}
	if len(keys) == 0 {
		return nil
	}
	return c.store.Delete(ctx, c.id, keys)
}

// join concatenates segments and checks the result.
func join(id string, segs []Segment) ([]ai.Message, error) {
	n := 0
	for _, s := range segs {
		n += len(s.Messages)
	}
	msgs := make([]ai.Message, 0, n)
	for _, s := range segs {
		if err := Check(s.Messages); err != nil {
			return nil, fmt.Errorf("%w: conversation %s, segment %s: %w", ErrCorrupt, id, s.Key, err)
		}
		msgs = append(msgs, s.Messages...)
	}
	return msgs, nil
}

// Cap returns the newest whole turns of msgs — a turn is a user message
// and everything up to the next user message (messages before the first
// user message are a turn of their own) — at most maxTurns of them and at
// most maxTokens estimated tokens (window.MessagesTokens); 0 is no limit.
// A tool result always stays with its call: a valid conversation never
// puts a user message between them. It returns a subslice of msgs, empty
// when even the newest turn is over maxTokens.
func Cap(msgs []ai.Message, maxTurns, maxTokens int) []ai.Message {
	if maxTurns <= 0 && maxTokens <= 0 {
		return msgs
	}
	from, turns, tokens := len(msgs), 0, 0
	end := len(msgs)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != ai.RoleUser && i > 0 {
			continue
		}
		t := window.MessagesTokens(msgs[i:end])
		if maxTurns > 0 && turns+1 > maxTurns || maxTokens > 0 && tokens+t > maxTokens {
			break
		}
		turns, tokens, from, end = turns+1, tokens+t, i, i
	}
	return msgs[from:]
}

// Check reports whether msgs can be sent to a model as a conversation, or
// a part of one starting at a turn: no system message, every tool result
// answering a call of the assistant message before it, every call
// answered before the next other message and at the end. Its error wraps
// ErrInvalidMessages.
func Check(msgs []ai.Message) error {
	pending := map[string]bool{}
	open := false
	for i, m := range msgs {
		switch m.Role {
		case ai.RoleTool:
			if !open || !pending[m.ToolCallID] {
				return fmt.Errorf("%w: message %d is a tool result (call id %q) that answers no call of the assistant message before it", ErrInvalidMessages, i, clip(m.ToolCallID))
			}
			delete(pending, m.ToolCallID)
			continue
		case ai.RoleSystem:
			return fmt.Errorf("%w: message %d is a system message; a conversation keeps the user's, the assistant's and the tools' messages", ErrInvalidMessages, i)
		case ai.RoleUser, ai.RoleAssistant:
		default:
			return fmt.Errorf("%w: message %d has the role %q", ErrInvalidMessages, i, clip(string(m.Role)))
		}
		if len(pending) > 0 {
			return fmt.Errorf("%w: message %d follows %d tool calls left unanswered", ErrInvalidMessages, i, len(pending))
		}
		open = m.Role == ai.RoleAssistant && len(m.ToolCalls) > 0
		for _, tc := range m.ToolCalls {
			if tc.ID == "" || pending[tc.ID] {
				return fmt.Errorf("%w: message %d has a tool call with an empty or repeated id", ErrInvalidMessages, i)
			}
			pending[tc.ID] = true
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: the last %d tool calls are unanswered", ErrInvalidMessages, len(pending))
	}
	return nil
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	n := 64
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
