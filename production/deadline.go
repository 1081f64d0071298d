package main

import (
	"context"
	"sync"
	"time"
)

// toolDeadline is the context of demo 6a's run: a deadline that starts
// counting when the slow tool starts (start), so however long the model
// takes to ask for the tool, the run times out during it. Once started it
// is a real deadline: Deadline reports it, Err is
// context.DeadlineExceeded after it, and the run bound to it ends with
// that error. Before start, and for its parent's end, it is its
// parent.
type toolDeadline struct {
	context.Context // the parent

	after time.Duration
	done  chan struct{}

	mu       sync.Mutex
	deadline time.Time
	err      error
	timer    *time.Timer
	stop     func() bool // stops watching the parent
}

// withToolDeadline returns a context that ends after d from its start
// call, or when parent ends, or when cancel is called.
func withToolDeadline(parent context.Context, d time.Duration) (*toolDeadline, context.CancelFunc) {
	c := &toolDeadline{Context: parent, after: d, done: make(chan struct{})}
	// Under the lock: a parent already ended (or ending now) runs end at
	// once, in another goroutine, and end reads c.stop.
	c.mu.Lock()
	c.stop = context.AfterFunc(parent, func() { c.end(parent.Err()) })
	c.mu.Unlock()
	return c, func() { c.end(context.Canceled) }
}

// start starts the deadline (once; later calls do nothing).
func (c *toolDeadline) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || !c.deadline.IsZero() {
		return
	}
	c.deadline = time.Now().Add(c.after)
	c.timer = time.AfterFunc(c.after, func() { c.end(context.DeadlineExceeded) })
}

func (c *toolDeadline) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	c.stop()
	if c.timer != nil {
		c.timer.Stop()
	}
	close(c.done)
}

// Deadline implements context.Context: the started deadline, else the
// parent's.
func (c *toolDeadline) Deadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.deadline.IsZero() {
		return c.deadline, true
	}
	return c.Context.Deadline()
}

// Done implements context.Context.
func (c *toolDeadline) Done() <-chan struct{} { return c.done }

// Err implements context.Context.
func (c *toolDeadline) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
