package memstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var ctx = context.Background()

var fixedNow = time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)

func clock() time.Time { return fixedNow }

// stores runs f against both implementations.
func stores(t *testing.T, f func(t *testing.T, s Store)) {
	t.Run("MemStore", func(t *testing.T) { f(t, NewMemStore(WithClock(clock))) })
	t.Run("FileStore", func(t *testing.T) { f(t, openFile(t, t.TempDir())) })
}

func openFile(t *testing.T, dir string, opts ...StoreOption) *FileStore {
	t.Helper()
	s, err := OpenFileStore(dir, append([]StoreOption{WithClock(clock)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSave(t *testing.T, s Store, ns, name, value string) {
	t.Helper()
	if err := s.Save(ctx, ns, name, value); err != nil {
		t.Fatalf("Save(%q, %q, %q): %v", ns, name, value, err)
	}
}

func mustGet(t *testing.T, s Store, ns, name string) (Entry, bool) {
	t.Helper()
	e, ok, err := s.Get(ctx, ns, name)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", ns, name, err)
	}
	return e, ok
}

func TestSaveGetListDeleteClear(t *testing.T) {
	stores(t, func(t *testing.T, s Store) {
		if _, ok := mustGet(t, s, "alice", "favourite colour"); ok {
			t.Fatal("empty store has a memory")
		}
		mustSave(t, s, "alice", "Favourite_Colour ", " blue ")
		e, ok := mustGet(t, s, "alice", "favourite   colour")
		want := Entry{Name: "favourite colour", Value: "blue", Updated: fixedNow}
		if !ok || e != want {
			t.Fatalf("Get = %+v, %t; want %+v", e, ok, want)
		}
		mustSave(t, s, "alice", "favourite colour", "green") // replaces
		mustSave(t, s, "alice", "home city", "Lisbon")
		mustSave(t, s, "bob", "favourite colour", "red") // another namespace

		list, err := s.List(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(list)
		if want := fmt.Sprint([]Entry{{"favourite colour", "green", fixedNow}, {"home city", "Lisbon", fixedNow}}); got != want {
			t.Fatalf("List = %s, want %s", got, want)
		}

		found, err := s.Delete(ctx, "alice", "HOME-city")
		if err != nil || !found {
			t.Fatalf("Delete = %t, %v", found, err)
		}
		found, err = s.Delete(ctx, "alice", "home city")
		if err != nil || found {
			t.Fatalf("second Delete = %t, %v; want false, nil", found, err)
		}
		n, err := s.Clear(ctx, "alice")
		if err != nil || n != 1 {
			t.Fatalf("Clear = %d, %v; want 1", n, err)
		}
		if list, _ := s.List(ctx, "alice"); len(list) != 0 {
			t.Fatalf("after Clear: %v", list)
		}
		if e, ok := mustGet(t, s, "bob", "favourite colour"); !ok || e.Value != "red" {
			t.Fatalf("bob's memory = %+v, %t", e, ok)
		}
	})
}

func TestFileStorePersistsAcrossInstances(t *testing.T) {
	dir := t.TempDir()
	a := openFile(t, dir)
	mustSave(t, a, "default", "favourite colour", "blue")

	b := openFile(t, dir) // a second process, or a restart
	if e, ok := mustGet(t, b, "default", "favourite colour"); !ok || e.Value != "blue" {
		t.Fatalf("second instance: %+v, %t", e, ok)
	}
	mustSave(t, b, "default", "pet", "cat")
	if e, ok := mustGet(t, a, "default", "pet"); !ok || e.Value != "cat" {
		t.Fatalf("first instance does not see the second's save: %+v, %t", e, ok)
	}

	path, err := a.Path("default")
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(a.Dir(), "default.json") {
		t.Fatalf("Path = %s", path)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("file mode = %v, %v; want 0600", fi.Mode(), err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "sub")); err == nil {
			t.Fatalf("unexpected %v", fi)
		}
		sub := openFile(t, filepath.Join(dir, "sub"))
		if fi, err := os.Stat(sub.Dir()); err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("created directory mode = %v, %v; want 0700", fi.Mode(), err)
		}
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
	// Clearing a namespace removes its file.
	if _, err := b.Clear(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("file still there after Clear: %v", err)
	}
}

func TestConcurrentSaves(t *testing.T) {
	const n = 20
	check := func(t *testing.T, save func(i int) error, list func() ([]Entry, error)) {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				if err := save(i); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		all, err := list()
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != n {
			t.Fatalf("%d memories after %d concurrent saves, want %d: %v", len(all), n, n, all)
		}
	}
	t.Run("MemStore", func(t *testing.T) {
		s := NewMemStore()
		check(t, func(i int) error { return s.Save(ctx, "shared", fmt.Sprintf("fact %d", i), "value") },
			func() ([]Entry, error) { return s.List(ctx, "shared") })
	})
	t.Run("FileStore", func(t *testing.T) {
		s := openFile(t, t.TempDir())
		check(t, func(i int) error { return s.Save(ctx, "shared", fmt.Sprintf("fact %d", i), "value") },
			func() ([]Entry, error) { return s.List(ctx, "shared") })
	})
	t.Run("FileStores on one directory", func(t *testing.T) {
		// Separate instances share no mutex: the lock file keeps their
		// read-modify-write cycles apart, as it does for processes.
		dir := t.TempDir()
		var ss [4]*FileStore
		for i := range ss {
			ss[i] = openFile(t, dir)
		}
		check(t, func(i int) error { return ss[i%len(ss)].Save(ctx, "shared", fmt.Sprintf("fact %d", i), "value") },
			func() ([]Entry, error) { return ss[0].List(ctx, "shared") })
	})
}

func TestNamespaceEscapesRejected(t *testing.T) {
	bad := []string{
		"", ".", "..", "../x", "../../etc/passwd", "/etc/passwd", "a/b", `a\b`, `..\x`,
		"a\x00b", "C:", "Alice", "a.json", "a b", " a", "é", strings.Repeat("a", 65),
	}
	stores(t, func(t *testing.T, s Store) {
		for _, ns := range bad {
			errs := []error{s.Save(ctx, ns, "k", "v")}
			_, _, err := s.Get(ctx, ns, "k")
			errs = append(errs, err)
			_, err = s.List(ctx, ns)
			errs = append(errs, err)
			_, err = s.Delete(ctx, ns, "k")
			errs = append(errs, err)
			_, err = s.Clear(ctx, ns)
			errs = append(errs, err)
			for i, err := range errs {
				if !errors.Is(err, ErrInvalidNamespace) {
					t.Errorf("namespace %q, operation %d: err = %v, want ErrInvalidNamespace", ns, i, err)
				}
			}
		}
		if fs, ok := s.(*FileStore); ok {
			entries, _ := os.ReadDir(fs.Dir())
			for _, e := range entries {
				if e.Name() != lockName {
					t.Errorf("a rejected namespace left %s", e.Name())
				}
			}
			if _, err := fs.Path("../x"); !errors.Is(err, ErrInvalidNamespace) {
				t.Errorf("Path(../x) err = %v", err)
			}
		}
	})
	for _, ns := range []string{"default", "a", "ses_0123abcd", "user-42", strings.Repeat("z", 64)} {
		if err := ValidateNamespace(ns); err != nil {
			t.Errorf("ValidateNamespace(%q) = %v, want nil", ns, err)
		}
	}
	// The message says what is wrong and what is allowed.
	err := ValidateNamespace("../x")
	if !strings.Contains(err.Error(), `"../x"`) || !strings.Contains(err.Error(), "a-z") {
		t.Errorf("message: %v", err)
	}
}

func TestLimitsAndInvalidInput(t *testing.T) {
	limits := Limits{MaxNameBytes: 10, MaxValueBytes: 20, MaxEntries: 2}
	t.Run("MemStore", func(t *testing.T) { limitCases(t, NewMemStore(WithLimits(limits))) })
	t.Run("FileStore", func(t *testing.T) { limitCases(t, openFile(t, t.TempDir(), WithLimits(limits))) })

	d := Limits{}.withDefaults()
	if d.MaxNameBytes != DefaultMaxNameBytes || d.MaxValueBytes != DefaultMaxValueBytes || d.MaxEntries != DefaultMaxEntries {
		t.Errorf("defaults = %+v", d)
	}
}

func limitCases(t *testing.T, s Store) {
	cases := []struct {
		name, value string
		want        error
	}{
		{"0123456789", "v", nil},
		{"0123456789a", "v", ErrLimit},
		{"k", strings.Repeat("x", 20), nil},
		{"k", strings.Repeat("x", 21), ErrLimit},
		{"k", strings.Repeat("x", 100000), ErrLimit},
		{"  ", "v", ErrInvalid},
		{"k", " \n ", ErrInvalid},
		{"k\x00", "v", ErrInvalid},
		{"k\x1b[31m", "v", ErrInvalid},
		{"k", "a\x00b", ErrInvalid},
		{"k", "\xff\xfe", ErrInvalid},
		{"\xff", "v", ErrInvalid},
		{"k", "one\ntwo\tthree", nil},
	}
	for _, c := range cases {
		err := s.Save(ctx, "ns", c.name, c.value)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("Save(%q, %.30q) = %v, want %v", c.name, c.value, err, c.want)
		}
	}
	// Two entries are saved ("0123456789" and "k"): the namespace is full.
	if err := s.Save(ctx, "ns", "third", "v"); !errors.Is(err, ErrLimit) {
		t.Errorf("third entry: err = %v, want ErrLimit", err)
	}
	if err := s.Save(ctx, "ns", "k", "updated"); err != nil {
		t.Errorf("updating an entry of a full namespace: %v", err)
	}
	if err := s.Save(ctx, "other", "third", "v"); err != nil {
		t.Errorf("the limit is per namespace: %v", err)
	}
	if _, _, err := s.Get(ctx, "ns", strings.Repeat("n", 11)); !errors.Is(err, ErrLimit) {
		t.Errorf("Get with a long name: %v", err)
	}
}

func TestCorruptFile(t *testing.T) {
	cases := map[string]string{
		"not JSON":         "{{{ this is not json",
		"truncated":        `{"version": 1, "memories": [{"name": "pet", "va`,
		"empty":            "",
		"trailing data":    `{"version": 1, "memories": []} {"version": 1}`,
		"wrong version":    `{"version": 99, "memories": []}`,
		"no version":       `{"memories": []}`,
		"wrong shape":      `{"version": 1, "memories": {"pet": "cat"}}`,
		"bad name":         `{"version": 1, "memories": [{"name": "Pet", "value": "cat"}]}`,
		"duplicate name":   `{"version": 1, "memories": [{"name": "pet", "value": "cat"}, {"name": "pet", "value": "dog"}]}`,
		"larger than safe": `{"version": 1, "memories": [], "pad": "` + strings.Repeat("x", 200<<10) + `"}`,
	}
	for label, content := range cases {
		t.Run(label, func(t *testing.T) {
			dir := t.TempDir()
			s := openFile(t, dir, WithLimits(Limits{MaxEntries: 10}))
			mustSave(t, s, "bob", "favourite colour", "red")
			path := filepath.Join(dir, "alice.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}

			ops := map[string]error{}
			ops["Save"] = s.Save(ctx, "alice", "pet", "cat")
			_, _, ops["Get"] = s.Get(ctx, "alice", "pet")
			_, ops["List"] = s.List(ctx, "alice")
			_, ops["Delete"] = s.Delete(ctx, "alice", "pet")
			_, ops["Clear"] = s.Clear(ctx, "alice")
			for op, err := range ops {
				var ce *CorruptError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Path != path {
					t.Fatalf("%s: err = %v, want a *CorruptError for %s", op, err, path)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("%s: the message does not name the file: %v", op, err)
				}
			}
			// The corrupt file is untouched…
			got, err := os.ReadFile(path)
			if err != nil || string(got) != content {
				t.Fatalf("the corrupt file changed (err %v)", err)
			}
			// …and the other namespace works.
			if e, ok := mustGet(t, s, "bob", "favourite colour"); !ok || e.Value != "red" {
				t.Fatalf("bob's memory: %+v, %t", e, ok)
			}
			mustSave(t, s, "bob", "pet", "dog")
		})
	}

	t.Run("not a regular file", func(t *testing.T) {
		dir := t.TempDir()
		s := openFile(t, dir)
		if err := os.Mkdir(filepath.Join(dir, "alice.json"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := s.Save(ctx, "alice", "pet", "cat"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v, want ErrCorrupt", err)
		}
	})
}

func TestFileFormat(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	mustSave(t, s, "alice", "favourite colour", "blue & <green>")
	got, err := os.ReadFile(filepath.Join(dir, "alice.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "memories": [
    {
      "name": "favourite colour",
      "value": "blue & <green>",
      "updated": "2026-03-02T15:04:05Z"
    }
  ]
}
`
	if string(got) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", got, want)
	}
	// Saving the same value again does not rewrite the file. The file's
	// modification time is set far in the past first: a rewrite (a new
	// file renamed over it) would have the current time, with no need to
	// wait for the clock to tick past the first write.
	path := filepath.Join(dir, "alice.json")
	past := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, "alice", "Favourite Colour", "blue & <green>")
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(past) || !os.SameFile(before, after) {
		t.Errorf("unchanged save rewrote the file (modified %s, want %s)", after.ModTime(), past)
	}
	if !bytes.Equal(got, must(os.ReadFile(filepath.Join(dir, "alice.json")))) {
		t.Errorf("unchanged save changed the file")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestContextHonoured(t *testing.T) {
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	stores(t, func(t *testing.T, s Store) {
		if err := s.Save(cancelled, "ns", "k", "v"); !errors.Is(err, context.Canceled) {
			t.Errorf("Save: %v", err)
		}
		if _, _, err := s.Get(cancelled, "ns", "k"); !errors.Is(err, context.Canceled) {
			t.Errorf("Get: %v", err)
		}
	})

	if runtime.GOOS == "windows" {
		return
	}
	// A writer waiting for another process's lock gives up when its
	// context ends.
	dir := t.TempDir()
	s := openFile(t, dir)
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	if err := s.Save(short, "ns", "k", "v"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Save while locked: err = %v, want DeadlineExceeded", err)
	}
}

func TestOpenFileStoreErrors(t *testing.T) {
	if _, err := OpenFileStore(""); err == nil {
		t.Error("empty dir: no error")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileStore(file); err == nil {
		t.Error("dir is a file: no error")
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Favourite Colour":       "favourite colour",
		"  favourite_colour ":    "favourite colour",
		"favourite-colour":       "favourite colour",
		"FAVOURITE\t\ncolour":    "favourite colour",
		"":                       "",
		"Ünïcode Name":           "ünïcode name",
		"user's favourite  food": "user's favourite food",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteReplacesTheFileWhole: a write that stops part-way — a crash,
// a full disk — leaves the old file, never part of the new one. The
// injected step writes half the new file and fails; at that moment (where
// a crash would leave the disk) and after the failed Save, the file holds
// the old memories, byte for byte, and no temporary file is left behind.
// A write in place (O_TRUNC on the file itself) fails both checks.
func TestWriteReplacesTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	mustSave(t, s, "alice", "favourite colour", "blue")
	path := filepath.Join(dir, "alice.json")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	errFull := errors.New("no space left on device (injected)")
	var atCrash []byte
	var half int
	s.writeData = func(f *os.File, data []byte) (int, error) {
		half = len(data) / 2
		n, err := f.Write(data[:half])
		if err != nil {
			return n, err
		}
		atCrash, err = os.ReadFile(path)
		if err != nil {
			t.Errorf("reading the file mid-write: %v", err)
		}
		return n, errFull
	}
	if err := s.Save(ctx, "alice", "pet", strings.Repeat("a cat called Tom, ", 20)); !errors.Is(err, errFull) {
		t.Fatalf("Save: err = %v, want the write's error", err)
	}
	if half == 0 {
		t.Fatal("the injected write step was not used")
	}
	if !bytes.Equal(atCrash, old) {
		t.Errorf("mid-write, the file holds %q; want the old file %q", atCrash, old)
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, old) {
		t.Errorf("after the failed write, the file holds %q (err %v); want the old file %q", now, err, old)
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range names {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
	s.writeData = nil
	fresh := openFile(t, dir)
	if e, ok := mustGet(t, fresh, "alice", "favourite colour"); !ok || e.Value != "blue" {
		t.Errorf("a store opened afresh reads %+v, %t", e, ok)
	}
	if _, ok := mustGet(t, fresh, "alice", "pet"); ok {
		t.Error("the failed save is in the file")
	}
}

// TestFileOverTheLimit: a file larger than the store reads is refused for
// its size, before it is parsed — even one that is valid JSON read whole
// (here: an unknown field as padding), which a parse of its first bytes
// alone would report as truncated instead.
func TestFileOverTheLimit(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir, WithLimits(Limits{MaxEntries: 10}))
	limit := s.maxFileBytes()
	content := `{"version": 1, "memories": [{"name": "pet", "value": "cat"}], "pad": "` + strings.Repeat("x", int(limit)) + `"}`
	if _, err := decode([]byte(content)); err != nil {
		t.Fatalf("the file must be valid read whole: %v", err)
	}
	path := filepath.Join(dir, "alice.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(ctx, "alice", "pet")
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != path {
		t.Fatalf("err = %v, want a *CorruptError for %s", err, path)
	}
	if want := fmt.Sprintf("larger than %d bytes", limit); ce.Err == nil || ce.Err.Error() != want {
		t.Errorf("err = %v, want %q", ce.Err, want)
	}
}
