package replay

import (
	"errors"
	"fmt"
)

var (
	// ErrBadMode: AIGENTIC_RECORD holds a value [ParseMode] does not know.
	ErrBadMode = errors.New("replay: bad mode")
	// ErrNoRecording: replaying a recording whose file does not exist.
	ErrNoRecording = errors.New("replay: no recording")
	// ErrBadRecording: a recording that cannot be replayed — not YAML,
	// truncated, hand-edited into invalid JSON, of another go-vcr format
	// version, or of another API than Chat Completions. The error is a
	// [*RecordingError] naming the file and the exchange.
	ErrBadRecording = errors.New("replay: bad recording")
	// ErrMismatch: a request the recording does not hold (see
	// [*MismatchError]).
	ErrMismatch = errors.New("replay: request not in the recording")
	// ErrNetworkRefused: a [Recorder] in [ModeReplay] was asked to reach
	// a real server. It never does.
	ErrNetworkRefused = errors.New("replay: no network in replay mode")
	// ErrSecretInRecording: a recording about to be written still holds
	// a secret the process knows (see package aigentic/secret); nothing
	// was written.
	ErrSecretInRecording = errors.New("replay: the recording would hold a secret")
	// ErrUnplayed: the test ended with recorded exchanges it never
	// requested — the code under test now makes fewer requests.
	ErrUnplayed = errors.New("replay: recorded exchanges not requested")
)

// RecordingError is a recording that cannot be replayed. It matches
// [ErrBadRecording] with errors.Is, and unwraps to the cause (a YAML or
// JSON error, [cassette.ErrUnsupportedCassetteFormat], …).
type RecordingError struct {
	// File is the recording's path.
	File string
	// Exchange is the exchange's id in the file (its "id:" field, from 0),
	// or -1 when the file as a whole is at fault.
	Exchange int
	// Request is the exchange's method and path ("POST
	// /v1/chat/completions"), "" when Exchange is -1 or unknown.
	Request string
	// Err says what is wrong.
	Err error
}

// Error says which file and exchange are at fault, and why: "replay: bad
// recording testdata/x.yaml, exchange 2 (POST /v1/chat/completions): …".
func (e *RecordingError) Error() string {
	where := e.File
	if e.Exchange >= 0 {
		where += fmt.Sprintf(", exchange %d", e.Exchange)
		if e.Request != "" {
			where += " (" + e.Request + ")"
		}
	}
	return fmt.Sprintf("replay: bad recording %s: %v", where, e.Err)
}

// Unwrap returns the cause.
func (e *RecordingError) Unwrap() error { return e.Err }

// Is matches [ErrBadRecording].
func (e *RecordingError) Is(target error) bool { return target == ErrBadRecording }

// MismatchError is a request that no exchange of the recording answers.
// It matches [ErrMismatch].
type MismatchError struct {
	// File is the recording's path.
	File string
	// Request is the request's number among those this Recorder received
	// (from 1), with its method and path.
	Request int
	Method  string
	Path    string
	// Nearest is the id of the recorded exchange compared with (the first
	// not yet replayed on the same method and path), -1 when none is left.
	Nearest int
	// Changes lists where the request's JSON body differs from Nearest's,
	// one line per difference ("messages[0].content: recorded … sent …"),
	// at most 10.
	Changes []string
	// Test names the test that sent the request, "" without one.
	Test string
	// Diff is a unified diff of the two bodies, normalised (indented JSON,
	// keys sorted): "-" lines recorded, "+" lines sent.
	Diff string
}

// Error is one line: the request, the file, the exchange compared with and
// the first change. [MismatchError.Report] has the whole explanation.
func (e *MismatchError) Error() string {
	s := fmt.Sprintf("replay: request %d (%s %s) matches no exchange recorded in %s", e.Request, e.Method, e.Path, e.File)
	if e.Nearest < 0 {
		return s + ": every recorded exchange on that endpoint was already replayed (the code now makes more requests than were recorded)"
	}
	s += fmt.Sprintf("; it differs from exchange %d", e.Nearest)
	if len(e.Changes) > 0 {
		s += " at " + e.Changes[0]
		if len(e.Changes) > 1 {
			s += fmt.Sprintf(" (and %d more)", len(e.Changes)-1)
		}
	}
	return s
}

// Is matches [ErrMismatch].
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Report is the whole explanation: what differs, the diff, and how to
// record again.
func (e *MismatchError) Report() string {
	s := e.Error() + "\n"
	if len(e.Changes) > 0 {
		s += "changes (recorded → sent):\n"
		for _, c := range e.Changes {
			s += "  " + c + "\n"
		}
	}
	if e.Diff != "" {
		s += e.Diff
		if s[len(s)-1] != '\n' {
			s += "\n"
		}
	}
	run := "'<this test>'"
	if e.Test != "" {
		run = "'^" + e.Test + "$'"
	}
	s += fmt.Sprintf("If the change is intended, record again: %s=record go test -run %s <this package>", EnvMode, run)
	return s
}
