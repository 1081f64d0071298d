package aigentic_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// withTimer holds a struct of package time that is not time.Time: only
// time.Time is taken as a date-time string; a time.Timer is checked like
// any struct, and its exported channel C refused.
type withTimer struct {
	Alarm time.Timer `json:"alarm"`
}

// NewOutput refuses a struct of package time other than time.Time by what
// it holds, naming the field: the date-time exception is time.Time's alone.
func TestOutputTypeRefusesOtherTimeStructs(t *testing.T) {
	_, err := aigentic.NewOutput[withTimer](aigentic.OutputOptions{})
	if !errors.Is(err, aigentic.ErrOutputType) {
		t.Fatalf("err = %v, want ErrOutputType", err)
	}
	for _, w := range []string{"withTimer.Alarm.C", "cannot be encoded as JSON"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}
