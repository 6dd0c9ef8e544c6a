package sim

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// pipeSize is a pipe's buffer, Linux's default: a writer waits for room
// once the reader is that far behind.
const pipeSize = 64 << 10

// pipe is a process's pipe in the world: its waits are the world's (a
// greenlet parks, a goroutine blocks), so they pass on world time.
// Guarded by the world's lock.
type pipe struct {
	w                *World
	buf              []byte
	rclosed, wclosed bool
	readers, writers waitList
}

// pipeEnd is one end of a pipe, an io.ReadCloser or io.WriteCloser.
type pipeEnd struct {
	p      *pipe
	write  bool
	name   string // for errors: "|0", "|1", "|2"
	closed bool
}

func newPipe(w *World, name string) (r, wr *pipeEnd) {
	p := &pipe{w: w}
	return &pipeEnd{p: p, name: name}, &pipeEnd{p: p, write: true, name: name}
}

func (e *pipeEnd) Read(b []byte) (int, error) {
	p := e.p
	w := p.w
	w.enter()
	defer w.unlockRun()
	for len(p.buf) == 0 {
		switch {
		case e.closed:
			return 0, &fs.PathError{Op: "read", Path: e.name, Err: os.ErrClosed}
		case p.wclosed || w.closed:
			return 0, io.EOF
		case len(b) == 0:
			return 0, nil
		}
		if err := w.waitLocked(&p.readers, 0, "sim pipe read"); err != nil {
			return 0, err
		}
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	if len(p.buf) == 0 {
		p.buf = nil
	}
	p.writers.wakeAll()
	return n, nil
}

func (e *pipeEnd) Write(b []byte) (int, error) {
	p := e.p
	w := p.w
	w.enter()
	defer w.unlockRun()
	n := 0
	for {
		switch {
		case e.closed:
			return n, &fs.PathError{Op: "write", Path: e.name, Err: os.ErrClosed}
		case p.rclosed || w.closed:
			return n, &fs.PathError{Op: "write", Path: e.name, Err: syscall.EPIPE}
		case n == len(b):
			return n, nil
		}
		if room := pipeSize - len(p.buf); room > 0 {
			m := min(room, len(b)-n)
			p.buf = append(p.buf, b[n:n+m]...)
			n += m
			p.readers.wakeAll()
			continue
		}
		if err := w.waitLocked(&p.writers, 0, "sim pipe write"); err != nil {
			return n, err
		}
	}
}

func (e *pipeEnd) Close() error {
	w := e.p.w
	w.enter()
	defer w.unlockRun()
	if e.closed {
		return &fs.PathError{Op: "close", Path: e.name, Err: os.ErrClosed}
	}
	e.closeLocked()
	return nil
}

func (e *pipeEnd) closeLocked() {
	if e.closed {
		return
	}
	e.closed = true
	p := e.p
	if e.write {
		p.wclosed = true
	} else {
		p.rclosed = true
		p.buf = nil
	}
	p.readers.wakeAll()
	p.writers.wakeAll()
}

// stream is a process's end of a stream that is not a pipe: the command's
// Reader or Writer itself, which the handler reads or writes directly (no
// copy: its order is the handler's). Closing it ends it for the process;
// once the process is killed it fails.
type stream struct {
	r      io.Reader
	w      io.Writer
	p      *proc
	name   string
	closed bool // only the handler's goroutine touches it
}

func (s *stream) Read(b []byte) (int, error) {
	if s.closed || s.p.killed.Load() {
		return 0, &fs.PathError{Op: "read", Path: s.name, Err: os.ErrClosed}
	}
	if s.r == nil {
		return 0, io.EOF // the null device
	}
	return s.r.Read(b)
}

func (s *stream) Write(b []byte) (int, error) {
	if s.closed {
		return 0, &fs.PathError{Op: "write", Path: s.name, Err: os.ErrClosed}
	}
	if s.p.killed.Load() {
		return 0, &fs.PathError{Op: "write", Path: s.name, Err: syscall.EPIPE}
	}
	if s.w == nil {
		return len(b), nil // the null device
	}
	return s.w.Write(b)
}

func (s *stream) Close() error {
	if s.closed {
		return &fs.PathError{Op: "close", Path: s.name, Err: os.ErrClosed}
	}
	s.closed = true
	return nil
}
