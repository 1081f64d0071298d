package mcptools

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// conn is one connection: a session and, over stdio, its process.
type conn struct {
	cs       *mcp.ClientSession
	proc     *proc        // nil over HTTP
	tooLarge *atomic.Bool // set when a message from the server was cut
	dead     chan struct{}
	closed   sync.Once
	pid      int
	grace    time.Duration // StopGrace
	// timeouts counts the calls that timed out, cancels the
	// notifications/cancelled that went out (the SDK sends them in the
	// background); cancelled is signalled at each.
	timeouts, cancels atomic.Int64
	cancelled         chan struct{}
}

// cancelSent records that a notifications/cancelled went out.
func (c *conn) cancelSent() {
	c.cancels.Add(1)
	select {
	case c.cancelled <- struct{}{}:
	default:
	}
}

// awaitCancels waits, up to d, until every timed-out call's cancellation
// has gone out: closing first would drop it, and leave the server busy
// with a call nobody waits for (and, over HTTP, holding our DELETE).
func (c *conn) awaitCancels(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for c.cancels.Load() < c.timeouts.Load() {
		select {
		case <-c.cancelled:
		case <-t.C:
			return
		}
	}
}

func (c *conn) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

// midMessage reports whether a message from the server is half-read (a
// call that timed out may leave one, and the connection cannot be used
// after it).
func (c *conn) midMessage() bool { return c.proc != nil && c.proc.limit.partial.Load() }

func (c *conn) cut() bool {
	if c.proc != nil {
		return c.proc.limit.tripped.Load()
	}
	return c.tooLarge.Load()
}

// close ends c: the session, then the process, within about 2 × grace
// (plus the SDK's own bound on an HTTP session's DELETE). Later calls
// return at once.
func (c *conn) close() {
	grace := c.grace
	c.closed.Do(func() {
		if !c.isDead() {
			c.awaitCancels(grace)
		}
		done := make(chan struct{})
		go func() {
			_ = c.cs.Close()
			close(done)
		}()
		t := time.NewTimer(2*grace + 5*time.Second)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			// The session would not close (a server that stopped
			// reading): the process goes, which ends the session.
			if c.proc != nil {
				c.proc.kill()
			}
			<-done
		}
		if c.proc != nil {
			c.proc.stop()
		}
	})
}
