package conversation

import (
	"context"
	"fmt"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// Store keeps conversations, each as segments: the messages of one
// Append, in order. Implementations are safe for concurrent use, copy
// what they are given and return, and make each Append all or nothing.
type Store interface {
	// Load returns the segments of conversation id, oldest first; none
	// for a conversation never appended to.
	Load(ctx context.Context, id string) ([]Segment, error)
	// Append adds msgs as a new segment at the end of conversation id,
	// all or nothing: after a failure the conversation is as it was.
	Append(ctx context.Context, id string, msgs []ai.Message) error
	// Delete removes the segments of conversation id with these keys;
	// keys it does not hold are ignored.
	Delete(ctx context.Context, id string, keys []string) error
}

// Segment is what one Append stored.
type Segment struct {
	// Key identifies the segment in its conversation; keys sort in the
	// order the segments were appended.
	Key string
	// Messages are the messages appended.
	Messages []ai.Message
}

// ValidateID reports whether id can name a conversation: 1-64 characters,
// each a lower-case ASCII letter, a digit, _ or - (memstore's namespace
// rule, so an id always names one file of a FileStore). Its error wraps
// ErrInvalidID.
func ValidateID(id string) error {
	if err := memstore.ValidateNamespace(id); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidID, err)
	}
	return nil
}

// MemoryStore is a Store in process memory: conversations last as long as
// the process.
type MemoryStore struct {
	mu    sync.Mutex
	convs map[string][]Segment
	seq   uint64
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{convs: map[string][]Segment{}} }

// Load implements Store.
func (s *MemoryStore) Load(ctx context.Context, id string) ([]Segment, error) {
	if err := prepare(ctx, id); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	segs := s.convs[id]
	out := make([]Segment, len(segs))
	for i, seg := range segs {
		out[i] = Segment{Key: seg.Key, Messages: copyMessages(seg.Messages)}
	}
	return out, nil
}

// Append implements Store.
func (s *MemoryStore) Append(ctx context.Context, id string, msgs []ai.Message) error {
	if err := prepare(ctx, id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.convs[id] = append(s.convs[id], Segment{Key: fmt.Sprintf("%020d", s.seq), Messages: copyMessages(msgs)})
	return nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, id string, keys []string) error {
	if err := prepare(ctx, id); err != nil {
		return err
	}
	gone := make(map[string]bool, len(keys))
	for _, k := range keys {
		gone[k] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.convs[id][:0]
	for _, seg := range s.convs[id] {
		if !gone[seg.Key] {
			kept = append(kept, seg)
		}
	}
	if len(kept) == 0 {
		delete(s.convs, id)
	} else {
		clear(s.convs[id][len(kept):])
		s.convs[id] = kept
	}
	return nil
}

// prepare checks a call's context and id.
func prepare(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ValidateID(id)
}

// copyMessages copies msgs and their tool calls.
func copyMessages(msgs []ai.Message) []ai.Message {
	out := make([]ai.Message, len(msgs))
	copy(out, msgs)
	for i := range out {
		if out[i].ToolCalls != nil {
			out[i].ToolCalls = append([]ai.ToolCall(nil), out[i].ToolCalls...)
		}
	}
	return out
}
