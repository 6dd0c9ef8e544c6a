//go:build race

package green

import (
	"os"
	"syscall"
)

// The race detector orders a write(2) before the read(2) that gets its
// bytes, because package syscall's Write releases, and its Read acquires,
// one variable of its own: a greenlet that writes to a conn and a
// goroutine that reads from its peer are ordered. The ring's sends and
// recvs go round package syscall, so they make the same two calls, on
// descriptors where they do nothing but that.

// raceNull is /dev/null, kept open (and so not finalized) for good.
var raceNull, raceNullFd = func() (*os.File, int) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		return nil, -1
	}
	return f, int(f.Fd())
}()

// raceIOSend releases what the sender wrote before its send.
func raceIOSend() { syscall.Write(-1, nil) }

// raceIORecv acquires what senders wrote before their sends.
func raceIORecv() { syscall.Read(raceNullFd, nil) }
