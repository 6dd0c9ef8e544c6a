package httpserver

import (
	"io"
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
)

// connReader is what a conn's bufio.Reader reads from, net/http's
// connReader on greenlets: it bounds how much a request's header may take,
// and it watches the connection while a handler runs, so that the
// request's context ends when the client goes away.
//
// net/http watches with a goroutine per request, started once the body
// has been read, that reads one byte and is aborted by a past read
// deadline. Here the watch is a greenlet, started only when the handler
// first asks its context whether it is done (Done or Err, see reqCtx): a
// handler that never asks, as most answer at once, costs no watch. It is
// ended with a kill, which ends the green conn's Read without losing data.
// All of it runs on the server's hub, so it needs no lock.
type connReader struct {
	c   *conn
	rwc net.Conn

	remain   int64 // bytes the header may still take
	hasByte  bool  // the watch read a byte (a pipelined request)
	byteBuf  [1]byte
	watch    *green.Greenlet // the watch, while it runs
	hijacked bool            // reads go straight to rwc
}

const maxInt64 = 1<<63 - 1

func (cr *connReader) setReadLimit(n int64)  { cr.remain = n }
func (cr *connReader) setInfiniteReadLimit() { cr.remain = maxInt64 }
func (cr *connReader) hitReadLimit() bool    { return cr.remain <= 0 }

// Read copies net/http's connReader.Read: a read error (the client went
// away, a deadline passed) ends the request's context.
func (cr *connReader) Read(p []byte) (int, error) {
	if cr.hijacked {
		return cr.rwc.Read(p)
	}
	if cr.watch != nil {
		// The handler reads while its context is watched (a pipelined
		// request has no body left, so this is a Hijack's reader or a
		// misuse): end the watch first; its byte, if any, comes first.
		cr.stopWatch()
	}
	if cr.hitReadLimit() {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > cr.remain {
		p = p[:cr.remain]
	}
	if cr.hasByte {
		p[0] = cr.byteBuf[0]
		cr.hasByte = false
		return 1, nil
	}
	n, err := cr.rwc.Read(p)
	if err != nil {
		cr.c.readFailed()
	}
	cr.remain -= int64(n)
	return n, err
}

// startWatch starts watching the connection for the client going away,
// unless it is already watched or a byte is already in. Hub context.
func (cr *connReader) startWatch() {
	if cr.watch != nil || cr.hasByte || cr.hijacked {
		return
	}
	cr.c.setReadDeadline(time.Time{})
	cr.watch = green.Spawn(func() error {
		n, err := cr.rwc.Read(cr.byteBuf[:])
		cr.watch = nil
		if n == 1 {
			// A pipelined request: not the client going away, as in
			// net/http since Go 1.11.
			cr.hasByte = true
		}
		if err != nil {
			cr.c.readFailed()
		}
		return nil
	}).SetName("httpserver watch")
}

// stopWatch ends the watch, if any, and waits until it has. Hub context.
func (cr *connReader) stopWatch() {
	if w := cr.watch; w != nil {
		cr.watch = nil
		w.Kill()
	}
}
