package green

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// The conns' and listeners' operations on the io_uring backend (see
// mod_socket_uring_linux.go). Each first asks package net, through the
// RawConn, whether the conn is closed or past its deadline, so that those
// errors are package net's, and then runs one operation on the ring.

// readyNow is a RawConn callback that does nothing: the call only checks
// closing and the deadline.
func readyNow(uintptr) bool { return true }

// readyRead and readyWrite check closing and the deadline, as package
// net's RawConn does first, or as a lazy conn does without one.
func (c *conn) readyRead() error {
	if c.lz != nil {
		return c.lazyReady(c.rdl.Load())
	}
	return c.rc.Read(readyNow)
}

func (c *conn) readyWrite() error {
	if c.lz != nil {
		return c.lazyReady(c.wdl.Load())
	}
	return c.rc.Write(readyNow)
}

// readURing is Read on the ring. Hub context, on g, under the read gate.
func (c *conn) readURing(g *Greenlet, uf *uringFd, p []byte) (int, error) {
	if len(c.stash) > 0 {
		n := copy(p, c.stash)
		c.stash = c.stash[n:]
		return n, nil
	}
	op := &c.urop
	for {
		if err := c.readyRead(); err != nil {
			return 0, c.opError("read", unwrapOp(err))
		}
		op.opcode, op.uf, op.p, op.flags = uringOpRecv, uf, p[:min(len(p), maxRW)], 0
		res, err := uf.u.do(g, op, c.rdl.Load(), "socket read")
		raceIORecv()
		if err != nil {
			return 0, err // bytes read meanwhile are in the stash (keepRead)
		}
		switch {
		case res > 0:
			return int(res), nil
		case res == 0 && c.stream:
			return 0, io.EOF
		case res == 0:
			return 0, nil
		}
		switch e := syscall.Errno(-res); e {
		case syscall.ECANCELED, syscall.EINTR, syscall.EAGAIN:
			// A deadline, a Close or a new deadline: the next check says.
		default:
			return 0, c.opError("read", os.NewSyscallError("read", e))
		}
	}
}

// keepRead keeps what a cancelled recv read, for the next Read.
func (c *conn) keepRead(op *uop) {
	if op.res > 0 {
		c.stash = append([]byte(nil), op.p[:op.res]...)
	}
}

// writeURing is Write on the ring: sends until all of p is written. Hub
// context, on g.
func (c *conn) writeURing(g *Greenlet, uf *uringFd, p []byte) (int, error) {
	gt := gateIn(&c.wgate, g, "socket write")
	if gt == nil {
		return nativeIO(g, "socket write", p, c.nc().Write)
	}
	if err := gt.s.acquire(g, 1, block, 0, "socket write"); err != nil {
		return 0, err
	}
	defer gt.s.releaseFront(1, "socket write")
	op := &c.uwop
	n := 0
	for n < len(p) {
		if err := c.readyWrite(); err != nil {
			return n, c.opError("write", unwrapOp(err))
		}
		op.opcode, op.uf, op.p, op.flags = uringOpSend, uf, p[n:min(len(p), n+maxRW)], syscall.MSG_NOSIGNAL
		raceIOSend()
		res, err := uf.u.do(g, op, c.wdl.Load(), "socket write")
		if err != nil {
			if op.res > 0 {
				n += int(op.res)
			}
			return n, err
		}
		if res >= 0 {
			n += int(res)
			continue
		}
		switch e := syscall.Errno(-res); e {
		case syscall.ECANCELED, syscall.EINTR, syscall.EAGAIN:
		default:
			return n, c.opError("write", os.NewSyscallError("write", e))
		}
	}
	return n, nil
}

// acceptURing is Accept on the ring. Hub context, on g.
func (l *listener) acceptURing(g *Greenlet, uf *uringFd) (net.Conn, error) {
	op := &uop{opcode: uringOpAccept, uf: uf, flags: syscall.SOCK_CLOEXEC, onLate: l.keepFd}
	for {
		d := l.deadline.Load()
		if d != 0 && time.Now().UnixNano() >= d {
			return nil, l.opError(os.ErrDeadlineExceeded)
		}
		// A connection pending is taken at once, without a switch, as on
		// epoll: a server's accept loop then takes MaxAccept in a row.
		var once acceptOp
		if err := l.rc.Control(once.acceptOnce); err != nil {
			return nil, l.opError(unwrapOp(err))
		}
		switch once.errno {
		case 0:
			return l.ringConn(uf.u, once.fd)
		case syscall.EAGAIN:
		default:
			return nil, l.opError(os.NewSyscallError("accept4", once.errno))
		}
		res, err := uf.u.do(g, op, d, "socket accept")
		if err != nil {
			return nil, err // a connection accepted meanwhile is kept (keepFd)
		}
		if res >= 0 {
			return l.ringConn(uf.u, int(res))
		}
		switch e := syscall.Errno(-res); e {
		case syscall.ECANCELED, syscall.EINTR, syscall.EAGAIN, syscall.ECONNABORTED:
		default:
			return nil, l.opError(os.NewSyscallError("accept4", e))
		}
	}
}

// keepFd keeps the connection a cancelled accept took, for the next Accept.
func (l *listener) keepFd(op *uop) {
	if op.res < 0 {
		return
	}
	if c, err := l.ringConn(op.uf.u, int(op.res)); err == nil {
		l.keep(c)
	}
}
