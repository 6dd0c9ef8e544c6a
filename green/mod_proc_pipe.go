package green

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// pipeReader is the parent's end of a command's standard output or error
// (StdoutPipe, StderrPipe, or a copy's source): an *os.File from os.Pipe,
// non-blocking and known to Go's netpoller, whose Read parks only the
// calling greenlet.
//
// From a greenlet, Read calls read(2) on the hub through the file's
// syscall.RawConn, once; on EAGAIN the greenlet parks on the hub's poller
// until the pipe is readable, as a socket read does (mod_socket_conn.go).
// Without a poller (not Linux, or a greenlet of another hub than the one
// that first registered the pipe) the read runs off the hub into a buffer
// of its own. From a plain goroutine, Read is the file's.
//
// A pipe is read by one greenlet or goroutine at a time, as an *os.File
// should be: a plain goroutine blocked in Read holds the file's read lock,
// which a greenlet's Read would then wait for with the hub held.
type pipeReader struct {
	f *os.File
	pollable
}

func newPipeReader(f *os.File) *pipeReader {
	r := &pipeReader{f: f}
	if fastPath {
		r.rc = rawConnOf(f)
	}
	return r
}

// Read copies (*os.File).Read.
func (r *pipeReader) Read(p []byte) (int, error) {
	g := caller()
	if len(p) == 0 || g == nil || r.rc == nil {
		return r.f.Read(p)
	}
	op := ioOp{p: p}
	op.init()
	for {
		if err := r.rc.Read(op.read); err != nil {
			// Closed: the file's own Read says so, at once.
			return r.f.Read(p)
		}
		switch op.errno {
		case 0:
			if op.n == 0 {
				return 0, io.EOF
			}
			return op.n, nil
		case syscall.EAGAIN:
			if s, fresh := r.slotFor(g); fresh {
				continue
			} else if s != nil {
				if err := s.wait(g, 0, "pipe read"); err != nil {
					return 0, r.pathError("read", err)
				}
				continue
			}
			// No poller: read off the hub, into a buffer of the read's
			// own, as an abandoned read may still complete.
			buf := make([]byte, len(p))
			n, err := nativeIO(g, "pipe read", buf, r.f.Read)
			copy(p, buf[:n])
			if err != nil && n == 0 && !isFileErr(err) {
				err = r.pathError("read", err)
			}
			return n, err
		default:
			return 0, r.pathError("read", op.errno)
		}
	}
}

// Close copies (*os.File).Close, and wakes the greenlets waiting to read.
func (r *pipeReader) Close() error {
	err := r.f.Close()
	r.closeSlot()
	return err
}

func (r *pipeReader) pathError(op string, err error) error {
	return &fs.PathError{Op: op, Path: r.f.Name(), Err: err}
}

// isFileErr reports whether err is an error of the file itself (EOF, or a
// *fs.PathError), rather than the end of a greenlet's wait.
func isFileErr(err error) bool {
	if err == io.EOF {
		return true
	}
	_, ok := err.(*fs.PathError)
	return ok
}

// pipeWriter is the parent's end of a command's standard input
// (StdinPipe, or a copy's destination), whose Write parks only the calling
// greenlet.
//
// From a greenlet, Write calls write(2) on the hub through the file's
// syscall.RawConn, without waiting, for as long as the pipe takes the
// bytes (64 KiB of buffer on Linux); if it fills up, the rest of the bytes,
// copied, are written by the file's own Write on a goroutine of its own
// while the greenlet parks. A Timeout or kill ends the wait, not that
// write. From a plain goroutine, Write is the file's.
type pipeWriter struct {
	f  *os.File
	rc syscall.RawConn
}

func newPipeWriter(f *os.File) *pipeWriter {
	w := &pipeWriter{f: f}
	if fastPath {
		w.rc = rawConnOf(f)
	}
	return w
}

// Write copies (*os.File).Write: it writes all of p or fails.
func (w *pipeWriter) Write(p []byte) (int, error) {
	g := caller()
	if len(p) == 0 || g == nil || w.rc == nil {
		return w.f.Write(p)
	}
	done := 0
	var errno syscall.Errno
	write := func(fd uintptr) bool {
		for done < len(p) {
			n, err := sysWrite(fd, p[done:min(len(p), done+maxRW)])
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				errno = errnoOf(err)
				return true
			}
			done += n
		}
		errno = 0
		return true
	}
	if err := w.rc.Write(write); err != nil {
		// Closed: the file's own Write says so, at once.
		return w.f.Write(p)
	}
	switch errno {
	case 0:
		return done, nil
	case syscall.EAGAIN:
		rest := append([]byte(nil), p[done:]...)
		n, err := nativeIO(g, "pipe write", rest, w.f.Write)
		if err != nil && !isFileErr(err) {
			err = &fs.PathError{Op: "write", Path: w.f.Name(), Err: err}
		}
		return done + n, err
	default:
		return done, &fs.PathError{Op: "write", Path: w.f.Name(), Err: errno}
	}
}

// Close copies (*os.File).Close.
func (w *pipeWriter) Close() error { return w.f.Close() }
