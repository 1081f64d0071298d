package main

import (
	"context"
	"io"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// A bad flag is a usage error: exit status 2.
func TestBadFlag(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"-slow", "track_shipment"}} {
		if err := run(context.Background(), args, io.Discard); cli.ExitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d), want exit 2", args, err, cli.ExitCode(err))
		}
	}
}
