package replay

import (
	"fmt"
	"os"
	"strings"
)

// EnvMode is the environment variable that chooses the [Mode] of every
// [Recorder] whose mode no [WithMode] option fixes. Unset or empty means
// [ModeReplay], so a test run that nobody configured — CI — never reaches
// a network.
const EnvMode = "AIGENTIC_RECORD"

// Mode says what a [Recorder] does with requests.
type Mode int

const (
	// ModeReplay (AIGENTIC_RECORD unset, empty or "replay") answers every
	// request from the recording and makes no connection at all: a missing
	// recording, or a request the recording does not hold, fails the test.
	// The default.
	ModeReplay Mode = iota
	// ModeRecord ("record") sends every request to the real server and
	// writes the recording anew, replacing the file.
	ModeRecord
	// ModeRecordMissing ("record-missing") records the recordings that do
	// not exist yet and replays, as ModeReplay, those that do: for adding
	// a test without recording every other one again.
	ModeRecordMissing
)

// String is the mode's value for AIGENTIC_RECORD.
func (m Mode) String() string {
	switch m {
	case ModeReplay:
		return "replay"
	case ModeRecord:
		return "record"
	case ModeRecordMissing:
		return "record-missing"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads a value of AIGENTIC_RECORD: "", "replay", "record" or
// "record-missing" (case and surrounding space ignored). Anything else is
// an error matching [ErrBadMode] that names the variable and the values it
// accepts.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "replay":
		return ModeReplay, nil
	case "record":
		return ModeRecord, nil
	case "record-missing":
		return ModeRecordMissing, nil
	}
	v := s
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return ModeReplay, fmt.Errorf("%w: %s=%q: use replay (the default), record or record-missing", ErrBadMode, EnvMode, v)
}

// ModeFromEnv is [ParseMode] of AIGENTIC_RECORD.
func ModeFromEnv() (Mode, error) { return ParseMode(os.Getenv(EnvMode)) }
