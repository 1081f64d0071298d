package memstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// FileStore is a [Store] that keeps each namespace in a JSON file,
// <dir>/<namespace>.json, so memories survive restarts. Safe for
// concurrent use by goroutines and, on Unix, by processes sharing the
// directory. See the package documentation for its guarantees.
type FileStore struct {
	dir string
	cfg storeConfig

	// mu serialises the changes made through this FileStore; the lock
	// file serialises them with other FileStores and processes.
	mu sync.Mutex

	// writeData writes a new file's bytes to f; nil is f.Write. Tests set
	// it to fail, or to look at the directory, part-way through a write:
	// where a crash or a full disk would stop it.
	writeData func(f *os.File, data []byte) (int, error)
}

var _ Store = (*FileStore)(nil)

// fileVersion is the format version written in every store file.
const fileVersion = 1

// lockName is the lock file in the store's directory. It starts with a dot,
// as do temporary files, so no namespace file can be mistaken for it.
const lockName = ".lock"

// fileData is the content of a namespace's file.
type fileData struct {
	Version  int     `json:"version"`
	Memories []Entry `json:"memories"`
}

// OpenFileStore opens the store in dir, creating it (and missing parents)
// mode 0700 if needed. The directory must be a real directory (not a
// symbolic link) owned by the current user with no group or other write
// permission (the rules of internal/securefs); otherwise OpenFileStore
// fails with an error matching [ErrUnsafe] that names the directory and the
// reason, and changes nothing — another user who can write to the store
// could plant memories the agent would repeat.
func OpenFileStore(dir string, opts ...StoreOption) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("memstore: store directory is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("memstore: store directory %s: %w", dir, err)
	}
	if err := securefs.EnsurePrivateDir(abs); err != nil {
		return nil, dirError(abs, err)
	}
	return &FileStore{dir: abs, cfg: newStoreConfig(opts)}, nil
}

// ErrUnsafe is matched (errors.Is) by the error of a store whose directory,
// namespace file or lock file fails the rules in [OpenFileStore]: nothing
// was read from it or written to it.
var ErrUnsafe = securefs.ErrUnsafe

// dirError explains a store directory that cannot be used.
func dirError(dir string, err error) error {
	if errors.Is(err, securefs.ErrUnsafe) {
		return fmt.Errorf("memstore: store directory %s refused: %w (a store must be a directory you own that no other user can write; use another directory)", dir, err)
	}
	return fmt.Errorf("memstore: store directory %s: %w", dir, err)
}

// checkDir re-applies the directory rules before every read or write, so a
// store whose directory changed hands after it was opened is not used.
func (s *FileStore) checkDir() error {
	if err := securefs.CheckDir(s.dir); err != nil {
		return dirError(s.dir, err)
	}
	return nil
}

// Dir returns the store's directory (absolute).
func (s *FileStore) Dir() string { return s.dir }

// Path returns the file that holds namespace.
func (s *FileStore) Path(namespace string) (string, error) {
	if err := ValidateNamespace(namespace); err != nil {
		return "", err
	}
	return s.path(namespace), nil
}

func (s *FileStore) path(namespace string) string {
	return filepath.Join(s.dir, namespace+".json")
}

// Save implements [Store].
func (s *FileStore) Save(ctx context.Context, namespace, name, value string) error {
	name, value, err := prepareSave(ctx, namespace, name, value, s.cfg.limits)
	if err != nil {
		return err
	}
	return s.update(ctx, namespace, func(b book) (bool, error) {
		if e, ok := b[name]; ok && e.Value == value {
			return false, nil
		}
		return true, b.save(name, value, &s.cfg)
	})
}

// Get implements [Store].
func (s *FileStore) Get(ctx context.Context, namespace, name string) (Entry, bool, error) {
	name, err := prepareName(ctx, namespace, name, s.cfg.limits)
	if err != nil {
		return Entry{}, false, err
	}
	if err := s.checkDir(); err != nil {
		return Entry{}, false, err
	}
	b, err := s.load(s.path(namespace))
	if err != nil {
		return Entry{}, false, err
	}
	e, ok := b[name]
	return e, ok, nil
}

// List implements [Store].
func (s *FileStore) List(ctx context.Context, namespace string) ([]Entry, error) {
	if err := prepareNamespace(ctx, namespace); err != nil {
		return nil, err
	}
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	b, err := s.load(s.path(namespace))
	if err != nil {
		return nil, err
	}
	return b.list(), nil
}

// Delete implements [Store].
func (s *FileStore) Delete(ctx context.Context, namespace, name string) (bool, error) {
	name, err := prepareName(ctx, namespace, name, s.cfg.limits)
	if err != nil {
		return false, err
	}
	found := false
	err = s.update(ctx, namespace, func(b book) (bool, error) {
		_, found = b[name]
		delete(b, name)
		return found, nil
	})
	return found, err
}

// Clear implements [Store]. It removes the namespace's file.
func (s *FileStore) Clear(ctx context.Context, namespace string) (int, error) {
	if err := prepareNamespace(ctx, namespace); err != nil {
		return 0, err
	}
	n := 0
	err := s.update(ctx, namespace, func(b book) (bool, error) {
		n = len(b)
		clear(b)
		return n > 0, nil
	})
	return n, err
}

// update runs fn on the namespace's memories under the store's locks and
// writes them back when fn reports a change. A file that cannot be read is
// never written.
func (s *FileStore) update(ctx context.Context, namespace string, fn func(book) (bool, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkDir(); err != nil {
		return err
	}
	unlock, err := lockDir(ctx, s.dir)
	if err != nil {
		return err
	}
	defer unlock()

	path := s.path(namespace)
	b, err := s.load(path)
	if err != nil {
		return err
	}
	changed, err := fn(b)
	if err != nil || !changed {
		return err
	}
	if len(b) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("memstore: remove %s: %w", path, err)
		}
		return syncDir(s.dir)
	}
	return s.write(path, b)
}

// maxFileBytes bounds what load reads: a file within the limits, with
// generous room for JSON escaping and layout.
func (s *FileStore) maxFileBytes() int64 {
	l := s.cfg.limits
	return 64<<10 + int64(l.MaxEntries)*int64(2*(l.MaxNameBytes+l.MaxValueBytes)+128)
}

// load reads the namespace file at path; a missing file is an empty book.
// The file is opened with securefs.OpenFile: a symbolic link, a file
// owned by another user or writable by group or others is refused
// (ErrUnsafe) and nothing is read from it.
func (s *FileStore) load(path string) (book, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return book{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() && fi.Mode()&fs.ModeSymlink == 0 {
		return nil, &CorruptError{Path: path, Err: fmt.Errorf("not a regular file (mode %s)", fi.Mode())}
	}
	f, err := securefs.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, securefs.ErrUnsafe) {
		return nil, fmt.Errorf("memstore: store file refused, nothing was read from it: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("memstore: read %s: %w", path, err)
	}
	defer f.Close()
	limit := s.maxFileBytes()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("memstore: read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, &CorruptError{Path: path, Err: fmt.Errorf("larger than %d bytes", limit)}
	}
	b, err := decode(data)
	if err != nil {
		return nil, &CorruptError{Path: path, Err: err}
	}
	return b, nil
}

// decode parses a namespace file.
func decode(data []byte) (book, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var fd fileData
	if err := dec.Decode(&fd); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the top-level object")
	}
	if fd.Version != fileVersion {
		return nil, fmt.Errorf("format version %d, this program reads version %d", fd.Version, fileVersion)
	}
	b := make(book, len(fd.Memories))
	for i, e := range fd.Memories {
		if e.Name == "" || e.Name != NormalizeName(e.Name) {
			return nil, fmt.Errorf("memory %d has an invalid name %q", i, clip(e.Name, 80))
		}
		if _, dup := b[e.Name]; dup {
			return nil, fmt.Errorf("memory %q appears twice", clip(e.Name, 80))
		}
		b[e.Name] = e
	}
	return b, nil
}

// write replaces the file at path with b, atomically: a temporary file in
// the same directory is written, synced and renamed over path, then the
// directory is synced so the rename is durable.
func (s *FileStore) write(path string, b book) (err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fileData{Version: fileVersion, Memories: b.list()}); err != nil {
		return fmt.Errorf("memstore: encode %s: %w", path, err)
	}
	// CreateTemp opens O_CREATE|O_EXCL, mode 0600: it never follows or
	// reuses an existing name.
	tmp, err := os.CreateTemp(s.dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("memstore: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	writeData := s.writeData
	if writeData == nil {
		writeData = (*os.File).Write
	}
	if _, err = writeData(tmp, buf.Bytes()); err != nil {
		return fmt.Errorf("memstore: write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("memstore: sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("memstore: write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("memstore: replace %s: %w", path, err)
	}
	return syncDir(s.dir)
}

// syncDir makes a rename or removal in dir durable. Windows cannot sync a
// directory, and does not need to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("memstore: sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("memstore: sync directory %s: %w", dir, err)
	}
	return nil
}
