package openai

import "time"

// SetStreamWaits sets how long a stream that has sent its finish reason may
// take to send its usage and its end, for tests that replay servers which
// never end their streams; the returned func restores the defaults.
func SetStreamWaits(usage, done time.Duration) (restore func()) {
	u, d := usageWait, doneWait
	usageWait, doneWait = usage, done
	return func() { usageWait, doneWait = u, d }
}
