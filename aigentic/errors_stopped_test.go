package aigentic_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// A StoppedError says the context's error and its cause once each: both
// when the cause is a custom one, one when they are the same, and the
// error alone when a StoppedError built by hand has no cause.
func TestStoppedErrorText(t *testing.T) {
	custom := errors.New("shutting down")
	for _, tc := range []struct {
		err  *aigentic.StoppedError
		want string
	}{
		{&aigentic.StoppedError{During: "model call 1", Err: context.Canceled, Cause: custom}, "aigentic: run stopped during model call 1: context canceled: shutting down"},
		{&aigentic.StoppedError{During: "model call 1", Cause: context.Canceled}, "aigentic: run stopped during model call 1: context canceled"},
		{&aigentic.StoppedError{During: "model call 1", Err: context.Canceled, Cause: context.Canceled}, "aigentic: run stopped during model call 1: context canceled"},
		{&aigentic.StoppedError{During: "tool \"x\"", Err: context.DeadlineExceeded}, "aigentic: run stopped during tool \"x\": context deadline exceeded"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
