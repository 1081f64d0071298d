package conversation

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// FileLimits bound a FileStore. A zero field takes its default.
type FileLimits struct {
	// MaxSegmentBytes bounds one Append's messages, encoded as JSON;
	// default 1 MiB. A larger Append fails (memstore.ErrLimit) and
	// stores nothing.
	MaxSegmentBytes int
	// MaxSegments bounds the segments of one conversation; default
	// 10,000. Caps (Options.MaxTurns, MaxTokens) keep a conversation far
	// below it: segments Load can no longer return are removed.
	MaxSegments int
}

// Default file limits.
const (
	DefaultMaxSegmentBytes = 1 << 20
	DefaultMaxSegments     = 10_000
)

// FileStore is a Store in files, so a chat service can resume its
// conversations after a restart. It is the memory example's safe file
// store (memory/memstore's FileStore) with one namespace per conversation
// (<dir>/<id>.json) and one entry per segment, so it has its guarantees:
//
//   - the directory must be a private directory of the current user
//     (created 0700 when missing; internal/securefs's rules), and files
//     are opened without following symbolic links; otherwise an error
//     matching memstore.ErrUnsafe, and nothing is read or written;
//   - every change writes a temporary file, syncs it and renames it over
//     the conversation's file: a failure or a crash at any point leaves
//     the old conversation whole;
//   - changes are serialised in the process and, on Unix, across
//     processes by an advisory lock, so concurrent Appends all land;
//   - a file that cannot be read back is reported (memstore.ErrCorrupt,
//     and ErrCorrupt) and never overwritten.
//
// Each Append rewrites the conversation's file: keep conversations capped.
type FileStore struct {
	mem *memstore.FileStore

	mu   sync.Mutex
	last int64 // the newest key stamp made here
}

var _ Store = (*FileStore)(nil)

// segmentVersion is the format version of a segment's entry.
const segmentVersion = 1

// segmentData is a segment's entry value.
type segmentData struct {
	Version  int          `json:"v"`
	Messages []ai.Message `json:"messages"`
}

// OpenFileStore opens the store in dir (see memstore.OpenFileStore for
// the directory's rules). Negative limits fail with ErrInvalidOptions.
func OpenFileStore(dir string, limits FileLimits) (*FileStore, error) {
	if limits.MaxSegmentBytes < 0 || limits.MaxSegments < 0 {
		return nil, fmt.Errorf("%w: FileLimits %+v: a limit is 0 (the default) or more", ErrInvalidOptions, limits)
	}
	if limits.MaxSegmentBytes == 0 {
		limits.MaxSegmentBytes = DefaultMaxSegmentBytes
	}
	if limits.MaxSegments == 0 {
		limits.MaxSegments = DefaultMaxSegments
	}
	mem, err := memstore.OpenFileStore(dir, memstore.WithLimits(memstore.Limits{
		MaxNameBytes: 64, MaxValueBytes: limits.MaxSegmentBytes, MaxEntries: limits.MaxSegments,
	}))
	if err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	return &FileStore{mem: mem}, nil
}

// Dir returns the store's directory.
func (s *FileStore) Dir() string { return s.mem.Dir() }

// Path returns the file that holds conversation id.
func (s *FileStore) Path(id string) (string, error) {
	if err := ValidateID(id); err != nil {
		return "", err
	}
	return s.mem.Path(id)
}

// Load implements Store.
func (s *FileStore) Load(ctx context.Context, id string) ([]Segment, error) {
	if err := prepare(ctx, id); err != nil {
		return nil, err
	}
	entries, err := s.mem.List(ctx, id)
	if err != nil {
		return nil, corrupt(err)
	}
	segs := make([]Segment, 0, len(entries))
	for _, e := range entries {
		var d segmentData
		dec := json.NewDecoder(strings.NewReader(e.Value))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("%w: conversation %s, segment %s: %v", ErrCorrupt, id, e.Name, err)
		}
		if d.Version != segmentVersion || len(d.Messages) == 0 {
			return nil, fmt.Errorf("%w: conversation %s, segment %s: format version %d with %d messages; this program reads version %d", ErrCorrupt, id, e.Name, d.Version, len(d.Messages), segmentVersion)
		}
		segs = append(segs, Segment{Key: e.Name, Messages: d.Messages})
	}
	return segs, nil
}

// Append implements Store: one atomic rewrite of the conversation's file.
func (s *FileStore) Append(ctx context.Context, id string, msgs []ai.Message) error {
	if err := prepare(ctx, id); err != nil {
		return err
	}
	value, err := encodeSegment(msgs)
	if err != nil {
		return err
	}
	entries, err := s.mem.List(ctx, id)
	if err != nil {
		return corrupt(err)
	}
	newest := int64(0)
	if n := len(entries); n > 0 {
		newest = stampOf(entries[n-1].Name)
	}
	if err := s.mem.Save(ctx, id, s.key(newest), value); err != nil {
		return corrupt(err)
	}
	return nil
}

// Delete implements Store.
func (s *FileStore) Delete(ctx context.Context, id string, keys []string) error {
	if err := prepare(ctx, id); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := s.mem.Delete(ctx, id, k); err != nil {
			return corrupt(err)
		}
	}
	return nil
}

// key returns a new segment key later than newest and than every key
// made here: a 19-digit time stamp in nanoseconds (never going back) and
// 8 random hex digits, so that keys made at once by two processes differ.
func (s *FileStore) key(newest int64) string {
	s.mu.Lock()
	stamp := max(time.Now().UnixNano(), newest+1, s.last+1)
	s.last = stamp
	s.mu.Unlock()
	var r [4]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%019d %08x", stamp, binary.BigEndian.Uint32(r[:]))
}

// stampOf reads the time stamp of a key; 0 when it has none.
func stampOf(key string) int64 {
	digits, _, _ := strings.Cut(key, " ")
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// encodeSegment is a segment's entry value: JSON with every control
// character escaped (json.Marshal leaves DEL and U+0080-U+009F as they
// are, and memstore refuses control characters in a value).
func encodeSegment(msgs []ai.Message) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(segmentData{Version: segmentVersion, Messages: msgs}); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidMessages, err)
	}
	b := bytes.TrimSpace(buf.Bytes())
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == 0x7f:
			out.WriteString(`\u007f`)
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			fmt.Fprintf(&out, `\u%04x`, b[i+1])
			i++
		default:
			out.WriteByte(c)
		}
	}
	return out.String(), nil
}

// corrupt adds ErrCorrupt to memstore's corrupt-file error.
func corrupt(err error) error {
	if err != nil && isCorrupt(err) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

func isCorrupt(err error) bool {
	var ce *memstore.CorruptError
	return errors.As(err, &ce)
}
