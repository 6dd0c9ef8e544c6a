package green

import (
	"syscall"
	"time"
)

// shortSleep sleeps d, under a millisecond, in the kernel: Go's timers
// round such sleeps up to about a millisecond when every P idles.
func shortSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}
