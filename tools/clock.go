package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// MaxZoneLen bounds a time zone name; the longest IANA names are about 30
// bytes.
const MaxZoneLen = 64

// currentTimeSchema is the current_time tool's input, written by hand.
var currentTimeSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"timezone": map[string]any{
			"type":        "string",
			"description": "IANA time zone name, e.g. \"America/New_York\", \"Europe/London\", \"Asia/Tokyo\" or \"UTC\".",
			"minLength":   1,
			"maxLength":   MaxZoneLen,
		},
	},
	"required":             []any{"timezone"},
	"additionalProperties": false,
}

// newCurrentTimeTool is the current_time tool, built by hand: an
// AgentTool with an InputSchema and an Execute that validates its
// arguments itself. now is the clock — time.Now in the program, a fixed
// time in tests. An unknown zone is an error result the model sees.
func newCurrentTimeTool(now func() time.Time) aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        "current_time",
		Description: "Get the current date and time in a time zone. Use it whenever the user asks what time or day it is somewhere.",
		InputSchema: currentTimeSchema,
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			// The runtime has checked args against the schema; Execute still
			// validates, since it must be safe however it is called.
			zone, ok := args["timezone"].(string)
			if !ok {
				return ai.ErrorText(`the "timezone" argument is required and must be a string, e.g. "America/New_York"`), nil
			}
			loc, err := LoadZone(zone)
			if err != nil {
				return ai.ErrorText(err.Error()), nil
			}
			return ai.Text(FormatTime(now().In(loc))), nil
		},
	}
}

// LoadZone validates an IANA zone name and loads it. Only the characters
// of IANA names are accepted (letters, digits, / _ + -), so a name can
// never point time.LoadLocation at a file outside the zone database; and
// "Local", which is the host's own setting, is refused.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, errors.New(`the time zone is empty; give an IANA name such as "America/New_York"`)
	case len(name) > MaxZoneLen:
		return nil, fmt.Errorf("the time zone name is %d bytes long, the limit is %d", len(name), MaxZoneLen)
	case name == "Local":
		return nil, errors.New(`"Local" is not allowed: give an IANA name such as "America/New_York" or "UTC"`)
	}
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return nil, fmt.Errorf("invalid time zone %q: %q at position %d is not allowed in an IANA name", clip(name), r, i+1)
		}
	}
	if strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return nil, fmt.Errorf("invalid time zone %q: an IANA name looks like Area/City", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: use an IANA name such as \"America/New_York\", \"Europe/Paris\" or \"UTC\"", name)
	}
	return loc, nil
}

// FormatTime writes t in its zone, e.g.
// "America/New_York: Monday, 2 March 2026, 10:04 EST (UTC-05:00)".
func FormatTime(t time.Time) string {
	return t.Location().String() + ": " + t.Format("Monday, 2 January 2006, 15:04 MST (UTC-07:00)")
}

func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
