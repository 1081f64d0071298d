package memstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Errors of the store. Every error a store returns for bad input or a
// broken file wraps one of these, so errors.Is tells them apart.
var (
	// ErrInvalid is wrapped by errors about a bad memory name or value:
	// empty, not UTF-8, control characters.
	ErrInvalid = errors.New("memstore: invalid input")
	// ErrLimit is wrapped by errors about a name, a value or a namespace
	// that would exceed the store's [Limits].
	ErrLimit = errors.New("memstore: limit exceeded")
	// ErrInvalidNamespace is wrapped by errors about a namespace name that
	// is not 1-64 characters of a-z, 0-9, _ and -.
	ErrInvalidNamespace = errors.New("memstore: invalid namespace")
	// ErrCorrupt is matched by a [*CorruptError].
	ErrCorrupt = errors.New("memstore: corrupt store file")
)

// CorruptError reports a store file that cannot be read back. The file is
// left as it is: nothing is written to it until it is repaired, moved or
// removed.
type CorruptError struct {
	// Path is the file.
	Path string
	// Err says what is wrong with it.
	Err error
}

// Error implements error.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("memstore: store file %s is corrupt: %v (the file was left untouched and this namespace refuses writes; repair, move or remove the file)", e.Path, e.Err)
}

// Unwrap returns what is wrong with the file.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is matches ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Entry is one memory.
type Entry struct {
	// Name is the memory's name, normalised (see [NormalizeName]).
	Name string `json:"name"`
	// Value is what was remembered.
	Value string `json:"value"`
	// Updated is when the memory was last saved.
	Updated time.Time `json:"updated"`
}

// Store keeps memories in namespaces. Names are normalised with
// [NormalizeName] before use, so "Favourite_Colour" and "favourite colour"
// are the same memory. Implementations are safe for concurrent use.
type Store interface {
	// Save sets name to value in namespace, replacing any older value.
	Save(ctx context.Context, namespace, name, value string) error
	// Get returns the memory name of namespace; ok is false when there is
	// none.
	Get(ctx context.Context, namespace, name string) (e Entry, ok bool, err error)
	// List returns every memory of namespace, sorted by name.
	List(ctx context.Context, namespace string) ([]Entry, error)
	// Delete removes the memory name; it reports whether there was one.
	Delete(ctx context.Context, namespace, name string) (bool, error)
	// Clear removes every memory of namespace and returns how many there
	// were.
	Clear(ctx context.Context, namespace string) (int, error)
}

// Limits bound what a store accepts. A zero field takes its default.
type Limits struct {
	// MaxNameBytes bounds a memory's name (after normalisation). Default 128.
	MaxNameBytes int
	// MaxValueBytes bounds a memory's value. Default 4096.
	MaxValueBytes int
	// MaxEntries bounds the memories of one namespace. Default 500.
	MaxEntries int
}

// Default limits.
const (
	DefaultMaxNameBytes  = 128
	DefaultMaxValueBytes = 4096
	DefaultMaxEntries    = 500
)

func (l Limits) withDefaults() Limits {
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultMaxNameBytes
	}
	if l.MaxValueBytes <= 0 {
		l.MaxValueBytes = DefaultMaxValueBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// StoreOption configures a store.
type StoreOption func(*storeConfig)

type storeConfig struct {
	limits Limits
	now    func() time.Time
}

// WithLimits sets the store's limits; zero fields keep their defaults.
func WithLimits(l Limits) StoreOption {
	return func(c *storeConfig) { c.limits = l }
}

// WithClock sets the clock that stamps Entry.Updated (tests use a fixed
// one). The default is time.Now.
func WithClock(now func() time.Time) StoreOption {
	return func(c *storeConfig) {
		if now != nil {
			c.now = now
		}
	}
}

func newStoreConfig(opts []StoreOption) storeConfig {
	c := storeConfig{now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	c.limits = c.limits.withDefaults()
	return c
}

// MaxNamespaceLen is the longest namespace name.
const MaxNamespaceLen = 64

// ValidateNamespace reports whether ns can name a namespace: 1-64
// characters, each a lower-case ASCII letter, a digit, _ or -. Nothing
// else is accepted — no dots, separators, NUL or upper case — so a
// namespace always maps to one file inside the store's directory, and
// never collides with another on a case-insensitive file system.
func ValidateNamespace(ns string) error {
	if ns == "" {
		return fmt.Errorf("%w: empty namespace", ErrInvalidNamespace)
	}
	if len(ns) > MaxNamespaceLen {
		return fmt.Errorf("%w: %q is %d bytes long, the limit is %d", ErrInvalidNamespace, clip(ns, 80), len(ns), MaxNamespaceLen)
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %q has the character %q at byte %d; use lower-case letters a-z, digits, _ and -", ErrInvalidNamespace, clip(ns, 80), rune(c), i)
		}
	}
	return nil
}

// NormalizeName returns the canonical form of a memory name: lower case,
// with _ and - read as spaces, surrounding space trimmed and inner runs of
// white space collapsed to one space.
func NormalizeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return ' '
		}
		return unicode.ToLower(r)
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// normalizeChecked validates name and returns its normalised form.
func normalizeChecked(name string, l Limits) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: the memory name is not valid UTF-8", ErrInvalid)
	}
	name = NormalizeName(name)
	return name, checkName(name, l)
}

// checkName validates a normalised name.
func checkName(name string, l Limits) error {
	if name == "" {
		return fmt.Errorf("%w: the memory name is empty; give a short name such as \"favourite colour\"", ErrInvalid)
	}
	if len(name) > l.MaxNameBytes {
		return fmt.Errorf("%w: the memory name is %d bytes long, the limit is %d; use a shorter name", ErrLimit, len(name), l.MaxNameBytes)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: the memory name contains the control character %U", ErrInvalid, r)
		}
	}
	return nil
}

// checkValue validates a value: tabs and newlines are fine, other control
// characters are not.
func checkValue(value string, l Limits) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%w: the value is empty; to forget a memory use clear_memory", ErrInvalid)
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("%w: the value is not valid UTF-8", ErrInvalid)
	}
	if len(value) > l.MaxValueBytes {
		return fmt.Errorf("%w: the value is %d bytes long, the limit is %d; save a shorter summary", ErrLimit, len(value), l.MaxValueBytes)
	}
	for _, r := range value {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return fmt.Errorf("%w: the value contains the control character %U", ErrInvalid, r)
		}
	}
	return nil
}

// book is the memories of one namespace.
type book map[string]Entry

// save applies Save's rules to b.
func (b book) save(name, value string, c *storeConfig) error {
	if _, exists := b[name]; !exists && len(b) >= c.limits.MaxEntries {
		return fmt.Errorf("%w: this namespace already holds %d memories, the limit; forget one with clear_memory first", ErrLimit, len(b))
	}
	b[name] = Entry{Name: name, Value: value, Updated: c.now().UTC()}
	return nil
}

// list returns the entries sorted by name.
func (b book) list() []Entry {
	out := make([]Entry, 0, len(b))
	for _, e := range b {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// prepareSave validates and normalises Save's arguments.
func prepareSave(ctx context.Context, namespace, name, value string, l Limits) (string, string, error) {
	if err := ctx.Err(); err != nil {
		return "", "", err
	}
	if err := ValidateNamespace(namespace); err != nil {
		return "", "", err
	}
	name, err := normalizeChecked(name, l)
	if err != nil {
		return "", "", err
	}
	value = strings.TrimSpace(value)
	if err := checkValue(value, l); err != nil {
		return "", "", err
	}
	return name, value, nil
}

// prepareName validates and normalises a name argument.
func prepareName(ctx context.Context, namespace, name string, l Limits) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := ValidateNamespace(namespace); err != nil {
		return "", err
	}
	return normalizeChecked(name, l)
}

func prepareNamespace(ctx context.Context, namespace string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ValidateNamespace(namespace)
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
