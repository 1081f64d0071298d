package tracefile

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// directory returns the directory files go to, deciding it once per Trace:
// Directory (or DefaultDir) when it passes securefs.EnsurePrivateDir,
// else, for the default directory only, FallbackDir — logged once,
// at Warn, through logger. A directory decided is kept, so later runs pay
// no check; an error is not (the next run tries again, and logs again).
func (t *Trace) directory(logger *slog.Logger) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dir != "" {
		return t.dir, nil
	}
	want := t.Directory
	isDefault := want == "" || want == DefaultDir()
	if want == "" {
		want = DefaultDir()
	}
	err := securefs.EnsurePrivateDir(want)
	if err == nil {
		t.dir = want
		return t.dir, nil
	}
	if !isDefault || !errors.Is(err, securefs.ErrUnsafe) {
		return "", fmt.Errorf("trace directory: %w", err)
	}
	fallback := FallbackDir()
	if ferr := securefs.EnsurePrivateDir(fallback); ferr != nil {
		return "", fmt.Errorf("trace directory: %w; fallback %s: %w", err, fallback, ferr)
	}
	if logger != nil {
		logger.Warn("trace directory is not safe to use; traces go to the per-user fallback directory",
			"trace_dir", want, "reason", err.Error(), "fallback_dir", fallback)
	}
	t.dir = fallback
	return t.dir, nil
}

// forgetDirectory makes the next open decide the directory again, when
// dir is still the one decided (it vanished under a run).
func (t *Trace) forgetDirectory(dir string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dir == dir {
		t.dir = ""
	}
}
