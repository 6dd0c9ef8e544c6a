package green

import "syscall"

// How a greenlet waits for a process to exit. On Linux the process is
// started with a pidfd (clone's CLONE_PIDFD, through SysProcAttr.PidFD),
// which becomes readable when the process exits: Wait registers it with the
// hub's poller, as a socket is, and parks, so a waiting greenlet costs no
// goroutine and no thread. Elsewhere, or where the kernel gives no pidfd,
// one goroutine per process waits in waitid and posts the result to the
// hub (a thread each while they wait). waitPool, the hub's ThreadPool
// instead of that goroutine, is kept for comparison: the pool's ten
// workers would make the eleventh of a hundred waiting greenlets wait for
// the first to finish.
const (
	waitPidfd = iota
	waitGoroutine
	waitPool
)

// waitMode is how greenlets wait for processes; tests set it.
var waitMode = waitPidfd

// usePidfd reports whether Start asks for a pidfd.
func usePidfd() bool { return waitMode == waitPidfd }

// pidfdAttr returns a copy of attr (nil: none) that asks the kernel for the
// child's pidfd in *fd; *fd stays -1 where the kernel gives none.
func pidfdAttr(attr *syscall.SysProcAttr, fd *int) *syscall.SysProcAttr {
	var a syscall.SysProcAttr
	if attr != nil {
		a = *attr
	}
	a.PidFD = fd
	return &a
}

// waitPidfdExit parks g until the process of pidfd has exited, on the
// poller of g's hub. It reports false if there is no poller to wait on
// (the caller waits another way), and returns the error (a Timeout) that
// ended the wait early; a kill unwinds. Hub context, on g.
func waitPidfdExit(g *Greenlet, pidfd int) (bool, error) {
	p := pollerOf(g.h)
	if p == nil {
		return false, nil
	}
	s, err := p.register(pidfd)
	if err != nil {
		return false, nil
	}
	gen := s.gen
	defer func() {
		// The pidfd stays open until the process is reaped, and a Wait
		// ended early may be followed by another: take it out of epoll.
		syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, pidfd, nil)
		s.closed(gen)
	}()
	// Edge-triggered: an exit before the registration raised no event.
	for !pollNow(uintptr(pidfd), pollIn) {
		if err := s.wait(g, 0, "process wait"); err != nil {
			return true, err
		}
	}
	return true, nil
}

func closeFd(fd int) { syscall.Close(fd) }
