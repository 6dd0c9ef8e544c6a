package server

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// Accept backoff, after gevent's BaseServer: a failed accept (or read, for
// a DatagramServer) that may go away by itself stops the loop for a delay
// that starts at MinDelay and doubles with each failure in a row, up to
// MaxDelay; a successful one resets it.
const (
	DefaultMinDelay    = 10 * time.Millisecond // gevent's min_delay
	DefaultMaxDelay    = time.Second           // gevent's max_delay
	DefaultMaxAccept   = 100                   // gevent's max_accept
	DefaultStopTimeout = time.Second           // gevent's stop_timeout
)

// errKind sorts what a failed accept or read means for the loop.
type errKind int

const (
	errFatal   errKind = iota // the loop ends with the error
	errClosed                 // the listener was closed: the loop ends quietly
	errRetry                  // try again at once (a peer gave up before its accept)
	errBackoff                // wait, then try again (no descriptors, no memory)
)

// kindOf classifies err. Running out of descriptors or kernel memory, and
// any net.Error that says it is temporary or a timeout, back off, as net/http's
// Serve and gevent's BaseServer do; a connection aborted by its peer before
// it was accepted is retried at once, as package net's own Accept does.
// gevent backs off on every error but EBADF, EINVAL and ENOTSOCK; we end the
// loop on errors we do not know to be passing, as net/http does, so that a
// server on a broken listener says so instead of retrying forever.
func kindOf(err error) errKind {
	switch {
	case errors.Is(err, net.ErrClosed):
		return errClosed
	case errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPROTO),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EINTR):
		return errRetry
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE),
		errors.Is(err, syscall.ENOBUFS), errors.Is(err, syscall.ENOMEM):
		return errBackoff
	}
	var ne interface {
		Timeout() bool
		Temporary() bool
	}
	if errors.As(err, &ne) && (ne.Timeout() || ne.Temporary()) {
		return errBackoff
	}
	return errFatal
}

// backoff is the delay state of one loop.
type backoff struct {
	min, max time.Duration
	cur      time.Duration // 0: no failure in a row
}

// next returns the delay to wait after one more failure in a row.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }
