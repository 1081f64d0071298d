//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package memstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// lockPoll is how often a waiting writer retries the lock.
const lockPoll = 2 * time.Millisecond

// lockDir takes the store directory's exclusive advisory lock (flock on
// <dir>/.lock), waiting until it is free or ctx ends. The lock serialises
// writers across processes and across FileStores of one process; the
// returned function releases it. The lock file is opened with
// securefs.OpenFile: a symbolic link is refused, never followed (so no file
// is created or opened at a path another user chose), as is a lock file
// owned by another user or writable by group or others.
func lockDir(ctx context.Context, dir string) (func(), error) {
	path := filepath.Join(dir, lockName)
	f, err := securefs.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("memstore: open lock file: %w", err)
	}
	fd := int(f.Fd())
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(fd, syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("memstore: lock %s: %w", path, err)
		}
		if timer == nil {
			timer = time.NewTimer(lockPoll)
		} else {
			timer.Reset(lockPoll)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("memstore: waiting for the lock %s: %w", path, ctx.Err())
		case <-timer.C:
		}
	}
}
