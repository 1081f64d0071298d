//go:build !unix

package mcptools

import (
	"os"
	"os/exec"
)

var (
	termSignal = os.Kill // no SIGTERM: stop at once
	killSignal = os.Kill
)

// ownGroup does nothing where process groups are not available.
func ownGroup(*exec.Cmd) {}

// signalGroup kills the process (its children are not reached here).
func signalGroup(cmd *exec.Cmd, sig os.Signal) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(sig)
	}
}
