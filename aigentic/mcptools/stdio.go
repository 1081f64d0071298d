package mcptools

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// baseEnv are the variables a subprocess gets from ours unless InheritEnv.
var baseEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT"}

// proc is one run of a stdio server: the subprocess, its pipes, and the
// MCP stdio shutdown sequence (close its input, wait, SIGTERM, wait,
// SIGKILL), applied to its whole process group.
//
// The SDK's CommandTransport does the same sequence on the process
// alone; proc owns the pipes so that it can also cap each message
// (MaxMessageBytes, where CommandTransport's cap is a fixed 16 MiB), put
// the server in its own process group (a wrapper such as npx or uv must
// not leave its child behind), bound each write, and reap the process as
// soon as it exits.
type proc struct {
	cmd    *exec.Cmd
	stdin  *os.File // our end of the server's standard input
	stdout *os.File // our end of its standard output
	limit  *lineLimit
	grace  time.Duration
	// writeTimeout bounds one write to the server's input: a server that
	// stops reading cannot block a call past it.
	writeTimeout time.Duration

	// sentCancel is called when a notifications/cancelled was written.
	sentCancel func()

	exited   chan struct{} // closed when the process has been reaped
	waitErr  error         // set before exited closes
	stopOnce sync.Once
}

// startProc starts s's command with stderr going to errTail.
func startProc(s *Server, errTail io.Writer, sentCancel func()) (*proc, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	cmd := exec.Command(s.Command[0], s.Command[1:]...)
	cmd.Env = subprocessEnv(s)
	cmd.Dir = s.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errTail
	// Wait returns at most this long after the process exits even when a
	// grandchild keeps its stderr open.
	cmd.WaitDelay = s.StopGrace
	ownGroup(cmd)
	err = cmd.Start()
	// The child has its ends now; ours would keep the pipes open.
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, stdin: inW, stdout: outR, grace: s.StopGrace, writeTimeout: s.CallTimeout, exited: make(chan struct{}), sentCancel: sentCancel}
	p.limit = &lineLimit{r: outR, max: s.MaxMessageBytes}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// subprocessEnv is the environment of s's subprocess.
func subprocessEnv(s *Server) []string {
	var env []string
	if s.InheritEnv {
		env = os.Environ()
	} else {
		for _, k := range baseEnv {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
	}
	return append(env, s.Env...)
}

// PID is the process's id.
func (p *proc) PID() int { return p.cmd.Process.Pid }

// transport is the SDK transport over the process's pipes.
func (p *proc) transport() mcp.Transport {
	// The SDK's own frame cap is off: ours holds every line to max bytes
	// and records that it tripped (lineLimit.tripped), which the SDK's
	// error would not tell us.
	return &mcp.IOTransport{Reader: readSide{p}, Writer: writeSide{p}, MaxLineLength: -1}
}

// stop runs the shutdown sequence once and waits for the process to be
// reaped: at most about 2 × grace + the time SIGKILL takes. Later calls
// wait for the first.
func (p *proc) stop() {
	p.stopOnce.Do(func() {
		p.stdin.Close()
		if !p.waitFor(p.grace) {
			signalGroup(p.cmd, termSignal)
			if !p.waitFor(p.grace) {
				signalGroup(p.cmd, killSignal)
				<-p.exited
			}
		}
		// The leader is gone; so must be anything it left in its group.
		signalGroup(p.cmd, killSignal)
		p.stdout.Close()
	})
	<-p.exited
}

// kill ends the process group at once (SIGKILL), for a server that broke
// its connection.
func (p *proc) kill() {
	signalGroup(p.cmd, killSignal)
}

// waitFor waits up to d for the process to exit.
func (p *proc) waitFor(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
		return true
	case <-t.C:
		return false
	}
}

// readSide is the server's output as the SDK reads it, through the
// message cap. Closing it does nothing: stop closes the pipe.
type readSide struct{ p *proc }

func (r readSide) Read(b []byte) (int, error) { return r.p.limit.Read(b) }
func (r readSide) Close() error               { return nil }

// writeSide is the server's input as the SDK writes it, each write
// bounded by writeTimeout. Closing it (the SDK closing the connection)
// stops the process.
type writeSide struct{ p *proc }

func (w writeSide) Write(b []byte) (int, error) {
	// A pipe supports deadlines; should it not, the write is unbounded
	// as before.
	_ = w.p.stdin.SetWriteDeadline(time.Now().Add(w.p.writeTimeout))
	n, err := w.p.stdin.Write(b)
	if err != nil {
		// Part of a message may be in the pipe: the stream is corrupt,
		// and the server must go (the connection then ends, and the
		// next call restarts it).
		w.p.kill()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("the server did not read its input for %s: %w", w.p.writeTimeout, err)
		}
	} else if bytes.Contains(b, cancelMethod) {
		w.p.sentCancel()
	}
	return n, err
}

func (w writeSide) Close() error {
	w.p.stop()
	return nil
}

// errMessageTooLarge is a message from the server longer than
// MaxMessageBytes.
var errMessageTooLarge = errors.New("a message from the server exceeded the size limit")

// lineLimit reads newline-delimited messages and fails once one runs
// past max bytes without a newline: a huge or never-ending message costs
// at most max bytes of memory. It records that it tripped, and whether a
// message is half-read (a timed-out call may have left one).
type lineLimit struct {
	r       io.Reader
	max     int
	run     int // bytes since the last newline
	tripped atomic.Bool
	partial atomic.Bool
}

func (l *lineLimit) Read(b []byte) (int, error) {
	if l.tripped.Load() {
		return 0, errMessageTooLarge
	}
	n, err := l.r.Read(b)
	for i := 0; i < n; i++ {
		if b[i] == '\n' {
			l.run = 0
			continue
		}
		l.run++
		if l.run > l.max {
			l.tripped.Store(true)
			// Deliver what precedes the overflow; the next Read fails.
			return i, nil
		}
	}
	l.partial.Store(l.run > 0)
	return n, err
}

// commandLine is s's command for an error message: the program's base
// name, never its arguments (they may hold credentials).
func commandLine(s *Server) string {
	c := s.Command[0]
	if i := strings.LastIndexAny(c, `/\`); i >= 0 {
		c = c[i+1:]
	}
	return c
}
