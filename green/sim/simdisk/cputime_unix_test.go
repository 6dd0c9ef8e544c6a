//go:build unix

package simdisk_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, all threads (the
// garbage collector's too). On a loaded machine it measures cost where
// wall time measures the queue for the CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
