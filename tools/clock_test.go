package main

import (
	"strings"
	"testing"
	"time"
)

// fixedNow is the injected clock of the tests: 15:04:05 UTC is 10:04 in
// New York (EST, UTC-5) on that day.
var fixedNow = time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

func TestCurrentTimeTool(t *testing.T) {
	tool := newCurrentTimeTool(fixedClock)
	good := []struct{ zone, want string }{
		{"America/New_York", "America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)"},
		{" Europe/London ", "Europe/London: Monday, 2 March 2026, 15:04 GMT (UTC+00:00)"},
		{"Asia/Kolkata", "Asia/Kolkata: Monday, 2 March 2026, 20:34 IST (UTC+05:30)"},
		{"Asia/Tokyo", "Asia/Tokyo: Tuesday, 3 March 2026, 00:04 JST (UTC+09:00)"},
		{"UTC", "UTC: Monday, 2 March 2026, 15:04 UTC (UTC+00:00)"},
		{"Etc/GMT+5", "Etc/GMT+5: Monday, 2 March 2026, 10:04 -05 (UTC-05:00)"},
		{"America/Port-au-Prince", "America/Port-au-Prince: Monday, 2 March 2026, 10:04 EST (UTC-05:00)"},
	}
	for _, c := range good {
		res, err := tool.Execute(nil, map[string]any{"timezone": c.zone})
		if err != nil || res.Error || res.String() != c.want {
			t.Errorf("%q: %q (error=%t), %v; want %q", c.zone, res.String(), res.Error, err, c.want)
		}
	}

	bad := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"timezone": "Mars/Olympus_Mons"}, `unknown time zone "Mars/Olympus_Mons"`},
		{map[string]any{"timezone": "New York"}, `' ' at position 4`},
		{map[string]any{"timezone": "EST5EDT2"}, "unknown time zone"},
		{map[string]any{"timezone": ""}, "empty"},
		{map[string]any{"timezone": "Local"}, `"Local" is not allowed`},
		{map[string]any{"timezone": "../../../etc/passwd"}, `'.' at position 1`},
		{map[string]any{"timezone": "/etc/localtime"}, "Area/City"},
		{map[string]any{"timezone": "America//New_York"}, "Area/City"},
		{map[string]any{"timezone": "America/New_York\x00"}, `'\x00'`},
		{map[string]any{"timezone": strings.Repeat("A", 65)}, "limit is 64"},
		{map[string]any{"timezone": 5}, "must be a string"},
		{map[string]any{}, "is required"},
	}
	for _, c := range bad {
		res, err := tool.Execute(nil, c.args)
		if err != nil {
			t.Errorf("%v: Go error %v; want an error result", c.args, err)
			continue
		}
		if !res.Error || !strings.Contains(res.String(), c.want) {
			t.Errorf("%v: %q (error=%t); want an error containing %q", c.args, res.String(), res.Error, c.want)
		}
	}
}

func TestCurrentTimeUsesTheInjectedClock(t *testing.T) {
	calls := 0
	tool := newCurrentTimeTool(func() time.Time { calls++; return time.Date(2030, 7, 4, 12, 0, 0, 0, time.UTC) })
	res, _ := tool.Execute(nil, map[string]any{"timezone": "America/New_York"})
	if calls != 1 || res.String() != "America/New_York: Thursday, 4 July 2030, 08:00 EDT (UTC-04:00)" {
		t.Fatalf("calls=%d result=%q", calls, res.String())
	}
}
