package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "testdata", "x.golden")
	for _, data := range []string{"first\n", "second, longer\n"} {
		if err := Write(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != data {
			t.Fatalf("%q, %v; want %q", got, err, data)
		}
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v; want 0644", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(name))
	if len(entries) != 1 {
		t.Fatalf("%d files in the directory, want 1 (no temporary file left)", len(entries))
	}
}

func TestWriteFailureLeavesNameAsItWas(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x.golden")
	if err := os.Mkdir(name, 0o755); err != nil { // a rename onto a directory fails
		t.Fatal(err)
	}
	if err := Write(name, []byte("lost")); err == nil {
		t.Fatal("a write over a directory succeeded")
	}
	if fi, err := os.Stat(name); err != nil || !fi.IsDir() {
		t.Fatalf("%v, %v: the directory was replaced", fi, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d entries, want 1 (the temporary file removed)", len(entries))
	}
}
