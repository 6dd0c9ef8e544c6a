//go:build !linux

package green

import "syscall"

// Without pidfds, one goroutine per process waits in waitid and posts the
// result to the hub; see mod_proc_linux.go.
const (
	waitPidfd = iota
	waitGoroutine
	waitPool
)

// waitMode is how greenlets wait for processes; tests set it.
var waitMode = waitGoroutine

func usePidfd() bool { return false }

func pidfdAttr(attr *syscall.SysProcAttr, fd *int) *syscall.SysProcAttr { return attr }

func waitPidfdExit(*Greenlet, int) (bool, error) { return false, nil }

func closeFd(int) {}
