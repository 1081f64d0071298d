package main

import (
	"io"
	"log/slog"
)

// newLogger is the service's logger: JSON lines on w at level, with every
// duration written as a Go duration string ("1.5s", "250ms") instead of
// slog's JSON default, an integer of nanoseconds. River's records and the
// runtime's (through Agent.Logger) pass through it too.
func newLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: durationsAsStrings}))
}

// durationsAsStrings is the ReplaceAttr of newLogger.
func durationsAsStrings(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
