//go:build !linux

package green

import "time"

// shortSleep sleeps d with Go's timers where there is no nanosleep in
// package syscall; the monitor's short waits then round up.
func shortSleep(d time.Duration) { time.Sleep(d) }
