package green

import (
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// The io_uring backend of the socket module. Where a greenlet would park on
// the poller until its descriptor is ready and then call read(2), write(2)
// or accept4(2) itself, it fills a submission entry for the operation (a
// recv into its buffer, a send of its bytes, an accept) and parks. Between
// two rounds of the run queue the hub submits every entry its greenlets
// filled in that round in one io_uring_enter, and reads every completion
// that has arrived from the completion ring, without a system call; each
// completion readies its greenlet with the result. So a round in which a
// hundred greenlets each read and write costs one system call, not two
// hundred.
//
// While the hub has nothing to run, a goroutine waits for completions in
// poll(2) (the ring's descriptor is readable while the completion ring is
// not empty) and nudges the hub, as the epoll poller's goroutine does.
//
// The ring is set up with IORING_SETUP_COOP_TASKRUN where the kernel has it
// (5.19 on): a completion then waits as task work of the thread that
// submitted the operation until that thread next enters the kernel (the
// hub's next io_uring_enter, or any sleep), instead of interrupting it with
// an inter-processor interrupt, which a virtual machine pays dearly for.
// With IORING_SETUP_TASKRUN_FLAG the ring says when such work waits, and
// the hub's round enters the kernel to run it. A thread that neither sleeps
// nor enters the kernel runs it at its next timer tick at the latest.
//
// The kernel reads the buffer of a recv or a send until the operation
// completes, so a greenlet that stops waiting (a Timeout, a kill, a past
// deadline) cancels its operation and waits on the ring, briefly and
// holding the hub, for its completion: bytes a cancelled recv had already
// read are kept for the conn's next Read, a connection a cancelled accept
// had taken for the listener's next Accept, and a Write returns what its
// sends wrote. The operations name the module's own duplicate of the
// descriptor, which the module closes only after cancelling them, so a
// descriptor number reused by the process after a Close is never read.

// uringRing is a hub's io_uring backend. Hub-only, except what the
// waiting goroutine uses (r's CQ indexes, posted).
type uringRing struct {
	h       *Hub
	r       *uring
	ops     []*uop        // by slot, while in flight
	free    []uint32      // free slots of ops
	posted  atomic.Bool   // a reap is in the hub's inbox
	arm     chan struct{} // cap 1: the hub is going idle (idle, watch)
	stop    int32         // an eventfd, written when the hub shuts down (shut)
	quit    chan struct{} // closed when the hub shuts down
	watched chan struct{} // closed when watch has returned
}

// uop is one operation on the ring: its entry's fields and, once it has
// completed, its result. A conn keeps one for its reader and one for its
// writer; an Accept makes its own.
type uop struct {
	opcode uint8
	uf     *uringFd
	p      []byte // the buffer the kernel reads or fills: kept alive here
	flags  uint32

	g    *Greenlet // parked until done
	slot uint32
	seq  uint32 // counts submissions, so a late deadline timer can tell
	busy bool   // in flight
	res  int32  // the completion's result, once !busy

	// onLate, if set, takes the result of an op that completed although
	// its greenlet stopped waiting (bytes read, a connection accepted).
	onLate func(*uop)

	// The deadline of the op in flight, as a timer of a real-clock hub:
	// dlf cancels the op if it is still the submission dlSeq. Bound once
	// per op, so that a Read under a deadline allocates nothing.
	dl    timer
	dlf   func()
	dlSeq uint32
}

// cancelTag is the user_data of cancel entries, whose completions say
// nothing the hub needs.
const cancelTag = ^uint64(0)

const (
	uringCancelAll = 1 << 0 // IORING_ASYNC_CANCEL_ALL
	uringCancelFd  = 1 << 1 // IORING_ASYNC_CANCEL_FD
)

// Pollers, as Stats.Poller names them.
const (
	PollerEpoll   = "epoll"
	PollerIOURing = "io_uring"
)

// PollerEnv names the environment variable that chooses the socket
// module's poller where Options.Poller does not: "io_uring" or "epoll".
const PollerEnv = "GREENSHIM_POLLER"

// uringSize is the size of a hub's ring: 1024 entries to submit per enter
// (more go in by an early enter), room for 8192 completions (more wait in
// the kernel until the hub reads these). A test shrinks it.
var uringSize = struct{ sq, cq uint32 }{1024, 8192}

// setupRing sets a ring up: newRing, which a test replaces with a refusal
// (a kernel without io_uring, or a sandbox that forbids it: EPERM, ENOSYS).
var setupRing = newRing

// uringProbe is whether this process may use io_uring, found once by
// setting up a small ring.
var uringProbe = newURingProbe()

func newURingProbe() func() error {
	return sync.OnceValue(func() error {
		r, err := setupRing(8, 0)
		if err != nil {
			return err
		}
		r.close()
		return nil
	})
}

// choosePoller returns the poller a hub with options o uses, and why not
// the other.
func choosePoller(o Options) string {
	want := o.Poller
	if want == "" {
		want = os.Getenv(PollerEnv)
		if want != "" && want != PollerEpoll && want != PollerIOURing {
			// As for GREENSHIM_HANDOFF: an environment variable cannot
			// panic a program that did not ask for it, so it says so once
			// per hub and keeps the default.
			fmt.Fprintf(os.Stderr, "green: ignoring %s=%.40q: want %q or %q; using the default\n",
				PollerEnv, want, PollerIOURing, PollerEpoll)
		}
	}
	if want == PollerEpoll {
		return PollerEpoll
	}
	// io_uring by default: measured, it beats epoll (see examples/echo).
	if err := uringProbe(); err != nil {
		return PollerEpoll + " (io_uring refused: " + err.Error() + ")"
	}
	return PollerIOURing
}

// uringOf returns h's ring, setting it up on first use, or nil if h does
// not use io_uring (or the set-up failed: then h falls back to epoll for
// good). Hub context.
func uringOf(h *Hub) *uringRing {
	if *h.poller.Load() != PollerIOURing {
		return nil
	}
	if h.uring != nil {
		return h.uring
	}
	r, err := setupRing(uringSize.sq, uringSize.cq)
	if err != nil {
		why := PollerEpoll + " (io_uring refused: " + err.Error() + ")"
		h.poller.Store(&why)
		return nil
	}
	stop, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC, 0)
	if errno != 0 {
		r.close()
		why := PollerEpoll + " (io_uring: eventfd: " + errno.Error() + ")"
		h.poller.Store(&why)
		return nil
	}
	u := &uringRing{h: h, r: r, arm: make(chan struct{}, 1), stop: int32(stop),
		quit: make(chan struct{}), watched: make(chan struct{})}
	h.uring = u
	go func() {
		defer close(u.watched)
		u.watch()
	}()
	return u
}

// shut ends the watcher and closes the ring and its eventfd, as the hub
// shuts down: when Close returns, none of the hub's ring descriptors is
// open. They are closed only once the watcher has returned: a descriptor
// closed under its poll could be another file's by then. Hub context.
func (u *uringRing) shut() {
	one := uint64(1)
	syscall.Write(int(u.stop), (*[8]byte)(unsafe.Pointer(&one))[:]) // ends watch's poll
	close(u.quit)
	<-u.watched
	syscall.Close(int(u.stop))
	u.r.close()
}

// idle arms the watcher: the hub is about to wait, and a completion must
// wake it. Hub context.
func (u *uringRing) idle() {
	select {
	case u.arm <- struct{}{}:
	default: // armed already
	}
}

// watch is the ring's goroutine: when the hub goes idle (idle), it waits in
// poll(2) until a completion arrives and nudges the hub, until the hub has
// closed.
//
// It waits only when asked, and not on Go's netpoller: a descriptor there
// stays in the runtime's epoll set, where, while the hub is busy, every
// batch of completions would wake a thread that the runtime parks in
// epoll_wait whenever a Go timer is pending (the monitor always has one),
// for nothing (see mod_socket_lazy.go for the conns' share of that).
func (u *uringRing) watch() {
	fds := [2]pollFd{{fd: int32(u.r.fd), events: pollIn}, {fd: u.stop, events: pollIn}}
	for {
		select {
		case <-u.arm:
		case <-u.quit:
			return
		}
		for !u.r.ready() && !u.r.overflowed() {
			_, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&fds)), 2, 0, 0, 0, 0)
			if errno != 0 && errno != syscall.EINTR {
				time.Sleep(time.Millisecond) // ENOMEM: try again
			}
			if fds[1].revents != 0 {
				return // the hub has closed
			}
		}
		if u.posted.CompareAndSwap(false, true) && !u.h.post(u.reap) {
			return
		}
	}
}

// wakeURing cancels the operations on c's duplicate after a change of
// deadline: their greenlets try again, under the new one.
func (c *pollable) wakeURing() {
	uf := c.ufd.Load()
	if uf == nil {
		return
	}
	cancel := func() {
		if !uf.closed && uf.inflight > 0 {
			uf.u.cancelFd(uf)
		}
	}
	h := uf.u.h
	if h.current() != nil {
		cancel()
		raceReleaseHub(h)
		return
	}
	h.post(cancel)
}

// dupCloexec duplicates fd, close-on-exec from the start: a process forked
// meanwhile must not inherit the duplicate (and hold the socket open).
func dupCloexec(fd int) (int, error) {
	for {
		nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(nfd), nil
	}
}

// uintptrOf returns the address of p's first byte.
func uintptrOf(p []byte) uintptr { return uintptr(unsafe.Pointer(&p[0])) }

// round submits what the greenlets queued and reads what has completed.
// Hub context, between two rounds of the run queue.
func (u *uringRing) round() {
	if u.r.queued > 0 || u.r.overflowed() || u.r.taskrun() {
		u.r.enter(0)
	}
	u.reap()
}

// reap reads every completion and readies the greenlets they finish.
func (u *uringRing) reap() {
	u.posted.Store(false) // before reading: a later completion posts again
	for {
		if u.r.ready() {
			u.r.reap(u.complete)
		}
		if !u.r.overflowed() {
			return
		}
		u.r.enter(0) // moves the completions that did not fit in
	}
}

// complete records the result of the operation in slot userData.
func (u *uringRing) complete(userData uint64, res int32) {
	if userData == cancelTag || userData >= uint64(len(u.ops)) {
		return
	}
	op := u.ops[userData]
	u.ops[userData] = nil
	u.free = append(u.free, uint32(userData))
	op.busy, op.res = false, res
	op.uf.inflight--
	u.h.ext--
	if g := op.g; g != nil && g.state == stWaiting {
		u.h.ready(g)
	}
}

// queue fills a submission entry for op, to go in at the end of the round.
func (u *uringRing) queue(op *uop) {
	var slot uint32
	if n := len(u.free); n > 0 {
		slot = u.free[n-1]
		u.free = u.free[:n-1]
	} else {
		slot = uint32(len(u.ops))
		u.ops = append(u.ops, nil)
	}
	u.ops[slot] = op
	op.slot, op.busy = slot, true
	op.seq++
	op.uf.inflight++
	u.h.ext++
	e := u.r.sqe()
	e.opcode, e.fd, e.opFlags, e.userData = op.opcode, op.uf.fd, op.flags, uint64(slot)
	if op.opcode == uringOpConnect {
		e.addr, e.off = uint64(uintptrOf(op.p)), uint64(len(op.p)) // the address and its length
	} else if len(op.p) > 0 {
		e.addr, e.len = uint64(uintptrOf(op.p)), uint32(len(op.p))
	}
}

// cancel asks the kernel to end op early; its completion follows.
func (u *uringRing) cancel(op *uop) {
	e := u.r.sqe()
	e.opcode, e.addr, e.userData = uringOpAsyncCancel, uint64(op.slot), cancelTag
}

// cancelFd cancels every operation on uf; their completions follow.
func (u *uringRing) cancelFd(uf *uringFd) {
	e := u.r.sqe()
	e.opcode, e.fd, e.opFlags, e.userData = uringOpAsyncCancel, uf.fd, uringCancelFd|uringCancelAll, cancelTag
}

// await submits what is queued and waits on the ring, holding the hub,
// until done reports true; the completions it reads meanwhile ready their
// greenlets as usual. For cancellations, which the kernel completes at once.
func (u *uringRing) await(done func() bool) {
	for !done() {
		u.r.enter(1) // EBUSY: the completions are read below
		u.reap()
	}
}

// do runs op for g: queues it, parks g until it completes or deadline
// (unix nanoseconds, 0: none) passes, and returns its result. A green
// error (a Timeout) or a kill cancels op and waits for its completion
// before it returns the error or unwinds; op.onLate, if set, then receives
// a result that completed anyway (bytes read, a connection accepted).
// Hub context, on g.
func (u *uringRing) do(g *Greenlet, op *uop, deadline int64, what string) (int32, error) {
	h := g.h
	op.g = g
	u.queue(op)
	var t *time.Timer
	armed := false
	if deadline != 0 {
		switch d := time.Until(time.Unix(0, deadline)); {
		case d <= 0:
			u.cancel(op) // busy since queue: the submission just made
		case h.virtual == nil:
			// On the hub's own timers, which run on the real clock
			// here: no allocation, and no post.
			if op.dlf == nil {
				op.dlf = func() {
					if op.busy && op.seq == op.dlSeq {
						u.cancel(op)
						u.r.enter(0) // the hub may be about to idle: submit the cancel now
					}
				}
			}
			op.dlSeq, op.dl.f = op.seq, op.dlf
			h.addTimer(&op.dl, h.after(d))
			armed = true
		default:
			// A virtual-clock hub's timers run on virtual time; a
			// socket's deadline is on the wall clock.
			seq := op.seq
			t = time.AfterFunc(d, func() {
				h.post(func() {
					if op.busy && op.seq == seq {
						u.cancel(op)
					}
				})
			})
		}
	}
	ok := false
	defer func() {
		if armed && op.dl.armed() {
			h.timers.remove(&op.dl)
		}
		if t != nil {
			t.Stop()
		}
		if ok {
			return
		}
		op.g = nil
		if op.busy {
			u.cancel(op)
			u.await(func() bool { return !op.busy })
		}
		if op.onLate != nil && op.res >= 0 {
			op.onLate(op)
		}
		op.p = nil
	}()
	for op.busy {
		// Woken only by the completion, or by a green error.
		if err := g.park(what); err != nil {
			return 0, err
		}
	}
	ok = true
	op.g, op.p = nil, nil
	return op.res, nil
}

// uringFd is the module's duplicate of a conn's or listener's descriptor,
// which its io_uring operations name.
type uringFd struct {
	u        *uringRing
	fd       int32
	file     *os.File // holds fd if it is an accepted descriptor (see adoptForRing)
	inflight int      // operations on it in flight; hub-only
	closed   bool     // hub-only
}

// close closes the descriptor.
func (uf *uringFd) close() {
	if uf.file != nil {
		uf.file.Close()
		return
	}
	syscall.Close(int(uf.fd))
}

// adoptForRing makes f, the accepted descriptor that net.FileConn
// duplicated to make c, the descriptor c's io_uring operations name,
// instead of a duplicate made for them: one dup and one close fewer per
// accepted connection. It reports false where h does not use io_uring, or
// c is not the module's stream conn; f is then the caller's to close.
// Hub context, h's (the accepting greenlet's: a listener of the zero
// Socket has no hub of its own).
func adoptForRing(h *Hub, c net.Conn, f *os.File) bool {
	w, ok := c.(*conn)
	if !ok || w.rc == nil || w.noPoll.Load() {
		return false
	}
	u := uringOf(h)
	if u == nil {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	fd := -1
	if rc.Control(func(x uintptr) { fd = int(x) }) != nil || fd < 0 {
		return false
	}
	return w.ufd.CompareAndSwap(nil, &uringFd{u: u, fd: int32(fd), file: f})
}

// uringFor returns the duplicate of c's descriptor on g's hub's ring, made
// on first use, or nil if g's hub does not use io_uring, or c is another
// hub's, or a duplicate cannot be made. Hub context, on g.
func (c *pollable) uringFor(g *Greenlet) *uringFd {
	if uf := c.ufd.Load(); uf != nil {
		if uf.u.h == g.h && !uf.closed {
			return uf
		}
		return nil
	}
	if c.rc == nil {
		return nil
	}
	if c.noPoll.Load() {
		return nil
	}
	u := uringOf(g.h)
	if u == nil {
		return nil
	}
	dfd := -1
	var err error
	if cerr := c.rc.Control(func(fd uintptr) { dfd, err = dupCloexec(int(fd)) }); cerr != nil || err != nil {
		return nil
	}
	uf := &uringFd{u: u, fd: int32(dfd)}
	if !c.ufd.CompareAndSwap(nil, uf) {
		syscall.Close(dfd)
		return nil
	}
	return uf
}

// closeURing cancels the operations on c's duplicate and closes it, after
// a Close through the module.
func (c *pollable) closeURing() {
	uf := c.ufd.Load()
	if uf == nil {
		return
	}
	shut := func() {
		if uf.closed {
			return
		}
		uf.closed = true
		// An operation in flight holds the socket open (a listener
		// would go on queueing connections, a conn's peer would see no
		// end): cancel them all and wait for them before closing.
		if uf.inflight > 0 {
			uf.u.cancelFd(uf)
			uf.u.await(func() bool { return uf.inflight == 0 })
		}
		uf.close()
	}
	h := uf.u.h
	if h.current() != nil {
		shut()
		raceReleaseHub(h)
		return
	}
	if !h.post(shut) {
		// The hub has ended, and its ring with it.
		uf.close()
	}
}
