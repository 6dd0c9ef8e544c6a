package server

import (
	"errors"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
)

// base is the lifecycle StreamServer and DatagramServer share, gevent's
// BaseServer: started once, on one hub; closed once.
type base struct {
	mu    sync.Mutex // guards state, h, addr
	state state
	h     *green.Hub
	addr  net.Addr

	// Hub-only: read and written by greenlets of h alone.
	closing bool            // close has run: a start still on its way gives up
	pool    *green.Pool     // the user's Pool, or nil
	group   green.Group     // the handlers, when pool is nil
	loop    *green.Greenlet // the accept (or read) loop
	done    green.Event     // set when the loop has ended
	err     error           // why the loop ended; nil: it was closed
	closer  io.Closer       // the listener or packet conn
}

type state int

const (
	stateNew state = iota
	stateRunning
	stateClosed
)

// start runs the loop run in a greenlet of its own, on the hub the server
// belongs to from now on (see hubOf), with c as what close closes.
func (b *base) start(given *green.Hub, c io.Closer, addr net.Addr, pool *green.Pool, name string, run func() error) error {
	b.mu.Lock()
	switch b.state {
	case stateRunning:
		b.mu.Unlock()
		return errors.New("server: already started")
	case stateClosed:
		b.mu.Unlock()
		return ErrClosed
	}
	b.state = stateRunning
	h := hubOf(given)
	b.h, b.addr = h, addr
	b.mu.Unlock()
	return onHub(h, func() error {
		if b.closing {
			c.Close()
			return ErrClosed
		}
		b.closer, b.pool = c, pool
		if pool == nil {
			b.group.Bind(h)
		} else {
			pool.Bind(h)
		}
		b.done.Bind(h)
		b.loop = h.Spawn(func() error {
			defer b.done.Set() // also when the loop is killed
			b.err = run()
			return nil
		}).SetName(name)
		return nil
	})
}

// spawn runs fn in a new handler greenlet, in the pool if there is one.
// Hub context.
func (b *base) spawn(fn func() error) *green.Greenlet {
	if b.pool != nil {
		return b.pool.Spawn(fn)
	}
	return b.group.Spawn(fn)
}

// loopConfig is what a server's loop (run) takes from its fields.
type loopConfig struct {
	maxAccept          int
	minDelay, maxDelay time.Duration
	log                *log.Logger
	what               string // "accept" or "read", for the log
	handler            string // the handler greenlets' name
}

// run is gevent's BaseServer._do_read: it takes the next connection (or
// packet) with next and runs the handler next returned in a greenlet of
// its own, until next fails for good or the server is closed. drop, if
// not nil, releases what next took when no handler could be started for
// it (a kill while a shared, full Pool is waited for). It yields to the
// handlers after maxAccept in a row, and backs off as the package doc
// says.
func (b *base) run(cfg loopConfig, next func() (handler func(), drop func(), err error)) error {
	maxAccept := orDefault(cfg.maxAccept, DefaultMaxAccept)
	bo := backoff{min: orDefault(cfg.minDelay, DefaultMinDelay), max: orDefault(cfg.maxDelay, DefaultMaxDelay)}
	inRow := 0
	for {
		if err := b.waitRoom(); err != nil {
			return err
		}
		handler, drop, err := next()
		if err != nil {
			switch kindOf(err) {
			case errClosed:
				if b.closing {
					return nil
				}
				return err
			case errRetry:
				continue
			case errBackoff:
				d := bo.next()
				logf(cfg.log, "server: %s error: %v; retrying in %v", cfg.what, err, d)
				green.Sleep(d)
				continue
			default:
				return err
			}
		}
		bo.reset()
		b.handOver(handler, drop, cfg.handler)
		if inRow++; inRow >= maxAccept {
			inRow = 0
			green.Yield()
		}
	}
}

// handOver starts handler in a greenlet named name. A Pool shared with
// other work may be full again: Spawn then waits, and a kill meanwhile
// must not leak what drop releases.
func (b *base) handOver(handler, drop func(), name string) {
	started := false
	if drop != nil {
		defer func() {
			if !started {
				drop()
			}
		}()
	}
	b.spawn(func() error {
		handler()
		return nil
	}).SetName(name)
	started = true
}

// waitRoom waits until the pool, if any, has a free slot, so that the loop
// takes no connection (or packet) it could not hand to a handler at once:
// while the pool is full they wait in the kernel, as gevent stops accepting.
func (b *base) waitRoom() error {
	if b.pool == nil || b.pool.FreeCount() > 0 {
		return nil
	}
	return b.pool.WaitAvailable()
}

// close stops the loop and closes the listener; handlers go on. It returns
// the listener's Close error.
func (b *base) close() error {
	b.mu.Lock()
	st := b.state
	b.state = stateClosed
	h := b.h
	b.mu.Unlock()
	if st != stateRunning {
		return nil
	}
	return onHub(h, func() error {
		if b.closing {
			return nil
		}
		b.closing = true
		var err error
		if b.closer != nil {
			err = b.closer.Close()
		}
		if b.loop != nil && b.loop != green.Current() {
			// The loop may be parked in Accept, in a backoff sleep or
			// waiting for room in the pool: the kill ends each.
			b.loop.KillAsync()
		}
		return err
	})
}

// stop is close, then a wait of up to grace for the handlers to end, then
// a kill of those still running. A handler that stops its own server is
// neither waited for nor killed.
func (b *base) stop(grace time.Duration) error {
	err := b.close()
	b.mu.Lock()
	h := b.h
	b.mu.Unlock()
	if h == nil {
		return err
	}
	kerr := onHub(h, func() error {
		self := green.Current()
		if b.loop != nil && b.loop != self {
			b.loop.Join()
		}
		others := b.handlersBut(self)
		if grace > 0 && len(others) > 0 {
			// Its error (the grace running out, a handler's panic) is
			// not Stop's: what counts is who is left.
			green.JoinAll(others, green.JoinOptions{Timeout: grace})
			others = slices.DeleteFunc(others, (*green.Greenlet).Ready)
		}
		green.KillAll(others...)
		return nil
	})
	return errors.Join(err, kerr)
}

// handlersBut returns the running handlers but self. Hub context.
func (b *base) handlersBut(self *green.Greenlet) []*green.Greenlet {
	var gs []*green.Greenlet
	if b.pool != nil {
		gs = b.pool.Greenlets()
	} else {
		gs = b.group.Greenlets()
	}
	return slices.DeleteFunc(gs, func(g *green.Greenlet) bool { return g == self })
}

// wait waits until the loop has ended, and returns why: ErrClosed, or the
// error that ended it. If the caller stops waiting for another reason (it
// is killed, or an enclosing Timeout ends the wait), the server is stopped
// first with stopTimeout, as gevent's serve_forever does on its way out.
func (b *base) wait(stopTimeout time.Duration) error {
	b.mu.Lock()
	h := b.h
	b.mu.Unlock()
	return onHub(h, func() error {
		ended := false
		defer func() {
			if !ended {
				b.stop(stopTimeout)
			}
		}()
		err := b.done.Wait()
		if err != nil {
			return err
		}
		ended = true
		if b.err != nil {
			return b.err
		}
		return ErrClosed
	})
}

// running reports whether the server has started and is not closed.
func (b *base) running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state == stateRunning
}

// address returns the address the server serves, once started.
func (b *base) address() net.Addr {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addr
}

// hub returns the server's hub, nil before it has started.
func (b *base) hub() *green.Hub {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.h
}

// logf writes to l, or to the log package's standard logger.
func logf(l *log.Logger, format string, args ...any) {
	if l != nil {
		l.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
