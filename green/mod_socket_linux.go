package green

import (
	"syscall"
	"unsafe"
)

// fastPath says whether conns take the non-blocking fast path through
// syscall.RawConn (see mod_socket_conn.go); without it a greenlet's socket
// calls run package net's blocking calls off the hub.
var fastPath = true

// pollFd is struct pollfd of poll(2).
type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

// pollNow reports whether fd is ready for events now, without waiting: an
// error or hang-up counts as ready, since the next call will report it.
func pollNow(fd uintptr, events int16) bool {
	pfd := pollFd{fd: int32(fd), events: events}
	var ts syscall.Timespec // zero: do not wait; RawSyscall is fine
	n, _, e := syscall.RawSyscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	return e != 0 || n > 0
}

// acceptOnce accepts one pending connection, without waiting.
func (op *acceptOp) acceptOnce(fd uintptr) {
	for {
		// A blocking descriptor: net.FileConn below makes its own
		// non-blocking duplicate, and os.NewFile then registers nothing
		// with the netpoller.
		nfd, _, err := syscall.Accept4(int(fd), syscall.SOCK_CLOEXEC)
		switch err {
		case syscall.EINTR, syscall.ECONNABORTED:
			continue // as package net: the peer gave up; try the next
		case nil:
			op.fd, op.errno = nfd, 0
		default:
			op.fd, op.errno = -1, errnoOf(err)
		}
		return
	}
}
