//go:build !linux

package promtest

import "syscall"

// sysProcAttr: no parent-death signal outside Linux; Stop must be called.
func sysProcAttr() *syscall.SysProcAttr { return nil }
