package green

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// listener is a net.Listener of the socket module: Accept, called from a
// greenlet, parks only that greenlet, and the conns it returns are the
// module's.
//
// From a greenlet Accept first calls accept4(2) without waiting, on the
// descriptor lent by the listener's syscall.RawConn (whose Read package net
// does not offer for listeners), and turns the new descriptor into a conn of
// package net with net.FileConn. When no connection is pending the greenlet
// parks on the hub's poller until the listener is readable, and tries
// again (on io_uring, it puts an accept on the hub's ring and parks); any
// number of greenlets may wait so. Only without the poller (the
// listener was registered by a greenlet of another hub, or there is no
// epoll) or once the deadline has passed (so that package net reports it)
// does package net's Accept run off the hub while the greenlet waits; a conn
// it accepts for a greenlet that stopped waiting is kept for the next
// Accept, not lost, or closed if the listener has been closed.
type listener struct {
	net.Listener // package net's listener; every other method is its

	pollable

	h        *Hub
	ka       net.KeepAliveConfig // what package net's Accept would set (acceptKeepAlive)
	laddr    net.Addr
	netw     string
	deadline atomic.Int64 // of SetDeadline, unix nanoseconds; 0: none

	mu      sync.Mutex // guards pending, files, closed
	pending []net.Conn // accepted for greenlets that stopped waiting
	files   []*os.File // accepted, but net.FileConn ran out of descriptors
	closed  bool       // Close has emptied pending: an Accept that ends later closes its conn

	tcp      bool // a tcp listener
	inherits bool // its sockets inherit package net's options: the ring's conns are lazy (ringConn)
}

func wrapListener(h *Hub, l net.Listener, ka net.KeepAliveConfig, inherits bool) net.Listener {
	w := &listener{Listener: l, h: h, ka: ka, inherits: inherits, laddr: l.Addr()}
	w.netw = w.laddr.Network()
	_, w.tcp = l.(*net.TCPListener)
	if fastPath {
		w.rc = rawConnOf(l)
	}
	return w
}

// NetListener returns the listener of package net underneath. Its Accept
// blocks the hub and returns conns of package net.
func (l *listener) NetListener() net.Listener { return l.Listener }

// SetDeadline sets the deadline of Accept, as (*net.TCPListener).SetDeadline.
func (l *listener) SetDeadline(t time.Time) error {
	d, ok := l.Listener.(interface{ SetDeadline(time.Time) error })
	if !ok {
		return &net.OpError{Op: "set", Net: l.netw, Addr: l.laddr, Err: syscall.EINVAL}
	}
	if t.IsZero() {
		l.deadline.Store(0)
	} else {
		l.deadline.Store(max(t.UnixNano(), 1))
	}
	err := d.SetDeadline(t)
	l.wakeSlot()
	return err
}

// Close closes the listener, and the conns kept for the next Accept.
func (l *listener) Close() error {
	err := l.Listener.Close()
	l.closeSlot()
	l.mu.Lock()
	p, fs := l.pending, l.files
	l.pending, l.files = nil, nil
	l.closed = true
	l.mu.Unlock()
	for _, c := range p {
		c.Close()
	}
	for _, f := range fs {
		f.Close()
	}
	return err
}

// keep keeps c, accepted for a greenlet that stopped waiting, for the next
// Accept; after Close it closes c.
func (l *listener) keep(c net.Conn) {
	l.mu.Lock()
	closed := l.closed
	if !closed {
		l.pending = append(l.pending, c)
	}
	l.mu.Unlock()
	if closed {
		c.Close()
	}
}

func (l *listener) takeKept() net.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		return nil
	}
	c := l.pending[0]
	l.pending = l.pending[1:]
	return c
}

// acceptOp carries one accept through the RawConn callback.
type acceptOp struct {
	fd    int
	errno syscall.Errno
}

// Accept copies net.Listener's Accept; from a greenlet it parks only the
// greenlet. Errors are package net's: an *net.OpError of op "accept"
// wrapping net.ErrClosed, os.ErrDeadlineExceeded or the system call's error
// (EMFILE, ENFILE: a net.Error whose Temporary is true, for servers to back
// off and retry, as net/http does).
func (l *listener) Accept() (net.Conn, error) {
	if c := l.takeKept(); c != nil {
		return c, nil
	}
	if f := l.takeFile(); f != nil {
		return l.fileConn(f)
	}
	g := callerGreenlet(l.h)
	if g == nil {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		return wrapConn(l.h, c), nil
	}
	if l.rc != nil {
		if uf := l.uringFor(g); uf != nil {
			return l.acceptURing(g, uf)
		}
	}
	for l.rc != nil {
		d := l.deadline.Load()
		if d != 0 && time.Now().UnixNano() >= d {
			break // package net's Accept reports it
		}
		var op acceptOp
		if err := l.rc.Control(op.acceptOnce); err != nil {
			return nil, l.opError(unwrapOp(err))
		}
		switch op.errno {
		case 0:
			return l.newConn(op.fd)
		case syscall.EAGAIN:
		default:
			return nil, l.opError(os.NewSyscallError("accept4", op.errno))
		}
		s, fresh := l.slotFor(g)
		if fresh {
			continue
		}
		if s == nil {
			break
		}
		if err := s.wait(g, d, "socket accept"); err != nil {
			return nil, err
		}
	}
	var c net.Conn
	err := offHub(g, "socket accept", context.Background(), func(context.Context) (error, func()) {
		conn, err := l.Listener.Accept()
		if err != nil {
			return err, nil
		}
		c = wrapConn(l.h, conn)
		return nil, func() { l.keep(c) }
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// newConn makes the module's conn of an accepted descriptor, which it owns.
func (l *listener) newConn(fd int) (net.Conn, error) {
	return l.fileConn(os.NewFile(uintptr(fd), ""))
}

// fileConn makes the module's conn of an accepted descriptor held by f. If
// net.FileConn runs out of descriptors (it needs one more, for a duplicate)
// f is kept for the next Accept, so that the connection is not lost while
// the server backs off.
func (l *listener) fileConn(f *os.File) (net.Conn, error) {
	c, err := net.FileConn(f)
	if err != nil {
		kept := false
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
			l.mu.Lock()
			if kept = !l.closed; kept {
				l.files = append(l.files, f)
			}
			l.mu.Unlock()
		}
		if !kept {
			f.Close()
		}
		return nil, l.opError(unwrapOp(err))
	}
	setKeepAlive(c, l.ka)
	w := wrapConn(l.h, c)
	if g := callerGreenlet(l.h); g == nil || !adoptForRing(g.h, w, f) {
		f.Close()
	}
	return w, nil
}

// keepAliveOf is the keep-alive package net gives a conn of a
// ListenConfig's (Accept) or a Dialer's, from its KeepAliveConfig and
// KeepAlive: the config if enabled, else the period (< 0: off; 0: the
// default).
func keepAliveOf(cfg net.KeepAliveConfig, period time.Duration) net.KeepAliveConfig {
	if !cfg.Enable && period >= 0 {
		return net.KeepAliveConfig{Enable: true, Idle: period}
	}
	return cfg
}

// setKeepAlive gives c, just made by net.FileConn, the keep-alive ka.
// net.FileConn has turned keep-alive on with package net's defaults, as
// package net's Accept does for a zero ListenConfig: only other settings
// take a call more.
func setKeepAlive(c net.Conn, ka net.KeepAliveConfig) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	switch {
	case !ka.Enable:
		tc.SetKeepAlive(false)
	case (ka.Idle == 0 || ka.Idle == defaultKeepAlive) && ka.Interval == 0 && ka.Count == 0:
	default:
		tc.SetKeepAliveConfig(ka)
	}
}

// defaultKeepAlive is package net's keep-alive idle time for a zero
// KeepAlive, which net.FileConn sets too.
const defaultKeepAlive = 15 * time.Second

// defaultKeepAliveCount is package net's number of keep-alive probes.
const defaultKeepAliveCount = 9

func (l *listener) takeFile() *os.File {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.files) == 0 {
		return nil
	}
	f := l.files[0]
	l.files = l.files[1:]
	return f
}

func (l *listener) opError(err error) error {
	return &net.OpError{Op: "accept", Net: l.netw, Addr: l.laddr, Err: err}
}
