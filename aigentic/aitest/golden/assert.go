package golden

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/internal/atomicfile"
)

// Assert compares got with the golden file (conventionally under
// testdata/, named *.golden) and fails t with a unified diff (- golden,
// + now) when they differ, or when the file does not exist. With -update
// (go test -run TestX -update) it writes got to the file instead, making
// its directory if needed. Line endings in the file (\r\n from a Windows
// checkout) do not matter.
func Assert(t testing.TB, file, got string) {
	t.Helper()
	if *update {
		if err := atomicfile.Write(file, []byte(got)); err != nil {
			t.Fatalf("golden: writing %s: %v", file, err)
		}
		t.Logf("golden: wrote %s", file)
		return
	}
	want, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		t.Errorf("golden: %s does not exist; if this transcript is right, write it with: go test -run '^%s$' -update\n%s", file, t.Name(), got)
		return
	}
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	if d := Diff(strings.ReplaceAll(string(want), "\r\n", "\n"), got); d != "" {
		t.Errorf("golden: the transcript differs from %s (- golden, + now); if the change is intended, accept it with: go test -run '^%s$' -update\n%s", file, t.Name(), d)
	}
}

// Diff is a unified diff from want to got, "" when they are equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	return udiff.Unified("golden", "now", want, got)
}
