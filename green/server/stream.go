package server

import (
	"log"
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
)

// StreamServer accepts connections and runs Handler on each in a greenlet
// of its own, gevent's StreamServer. See the package doc for its
// lifecycle.
//
// Set the fields before starting the server and leave them alone
// afterwards. The zero value, with a Handler, is ready to use.
type StreamServer struct {
	// Handler serves one connection. It runs in a greenlet of its own and
	// the server closes the conn when it returns, unless Detach took the
	// conn over. A panic in Handler ends its greenlet (the hub reports it)
	// and closes the conn; the server goes on.
	Handler func(net.Conn)

	// Pool, if not nil, bounds the handlers running at once: while it is
	// full the server accepts nothing and new connections wait in the
	// listener's backlog, as gevent's server with a Pool. Stop kills
	// every member of Pool, the server's or not. Nil means no bound.
	Pool *green.Pool

	// Network and Addr are what ListenAndServe listens on, through Socket:
	// "tcp" and ":0" (any free port) when empty. Socket nil means
	// green.Socket on the server's hub.
	Network, Addr string
	Socket        iface.Socket

	// Hub is the hub the server runs on when started from a plain
	// goroutine; nil means the process's default hub. Started from a
	// greenlet, the server runs on that greenlet's hub unless Hub is set.
	Hub *green.Hub

	// MaxAccept is how many connections the accept loop takes in a row
	// before it lets the handlers run (gevent's max_accept); 0 means
	// DefaultMaxAccept.
	MaxAccept int

	// MinDelay and MaxDelay bound the accept backoff (see the package
	// doc); 0 means DefaultMinDelay and DefaultMaxDelay.
	MinDelay, MaxDelay time.Duration

	// StopTimeout is the grace Serve gives the handlers when it stops the
	// server on its way out (killed, or its wait timed out); 0 means
	// DefaultStopTimeout.
	StopTimeout time.Duration

	// ErrorLog receives accept errors the server backs off from; nil
	// means the log package's standard logger.
	ErrorLog *log.Logger

	b base

	// Hub-only: conns Detach took over from their handler.
	detached map[net.Conn]struct{}
}

// ListenAndServe listens on Network and Addr through Socket and serves,
// as Serve.
func (s *StreamServer) ListenAndServe() error {
	h := hubOf(s.Hub)
	var ln net.Listener
	err := onHub(h, func() error {
		var err error
		ln, err = s.socket(h).Listen(orDefault(s.Network, "tcp"), orDefault(s.Addr, ":0"))
		return err
	})
	if err != nil {
		return err
	}
	if err := s.start(h, ln); err != nil {
		return err
	}
	return s.b.wait(orDefault(s.StopTimeout, DefaultStopTimeout))
}

// Serve accepts connections on ln until the server is closed or stopped,
// or ln fails for good, and returns why: ErrClosed, or ln's error. It is
// Start followed by a wait, gevent's serve_forever: if the caller stops
// waiting for another reason (it is killed, or an enclosing Timeout ends
// the wait), Serve stops the server with StopTimeout first. Serve takes ln
// over: it closes ln when the server closes, and on its own errors.
func (s *StreamServer) Serve(ln net.Listener) error {
	if err := s.Start(ln); err != nil {
		return err
	}
	return s.b.wait(orDefault(s.StopTimeout, DefaultStopTimeout))
}

// Start begins accepting connections on ln in a greenlet of its own and
// returns, gevent's start. It fails if the server has already started
// (ErrClosed if it has been closed); then ln is closed. ln should be a
// listener of a cooperative socket module (green.Socket, or
// registry.Socket() once patched): the Accept of package net's listeners
// blocks the hub.
func (s *StreamServer) Start(ln net.Listener) error { return s.start(s.Hub, ln) }

func (s *StreamServer) start(h *green.Hub, ln net.Listener) error {
	if s.Handler == nil {
		panic("server: StreamServer with a nil Handler")
	}
	if s.MaxAccept < 0 || s.MinDelay < 0 || s.MaxDelay < 0 {
		panic("server: StreamServer with a negative MaxAccept, MinDelay or MaxDelay")
	}
	err := s.b.start(h, ln, ln.Addr(), s.Pool, "StreamServer accept", func() error { return s.acceptLoop(ln) })
	if err != nil {
		ln.Close()
	}
	return err
}

// Close stops accepting and closes the listener, gevent's close: handlers
// go on. It returns the listener's Close error.
func (s *StreamServer) Close() error { return s.b.close() }

// Stop closes the server, waits up to grace for the handlers to end, then
// kills those still running and waits until they have ended, gevent's
// stop(timeout). A grace of 0 kills them at once. Called again, or on a
// server never started, it does nothing more.
func (s *StreamServer) Stop(grace time.Duration) error { return s.b.stop(grace) }

// Address returns the address the server listens on (with the port
// chosen when Addr asked for any), or nil before it has started.
func (s *StreamServer) Address() net.Addr { return s.b.address() }

// Detach takes c over from the server: it will not close c when c's
// handler returns, and Stop no longer counts on c once that handler has
// returned. Call it from c's handler, as net/http's Hijack, to hand the conn
// to another greenlet. It must be called from a greenlet of the server's
// hub.
func (s *StreamServer) Detach(c net.Conn) {
	if g := green.Current(); g == nil || g.Hub() != s.b.hub() {
		panic("server: Detach called outside a greenlet of the server's hub")
	}
	if s.detached == nil {
		s.detached = make(map[net.Conn]struct{})
	}
	s.detached[c] = struct{}{}
}

func (s *StreamServer) socket(h *green.Hub) iface.Socket {
	if s.Socket != nil {
		return s.Socket
	}
	return green.Socket{Hub: h}
}

// acceptLoop accepts connections until ln is closed or fails for good.
func (s *StreamServer) acceptLoop(ln net.Listener) error {
	defer ln.Close()
	cfg := loopConfig{s.MaxAccept, s.MinDelay, s.MaxDelay, s.ErrorLog, "accept", "StreamServer handler"}
	return s.b.run(cfg, func() (func(), func(), error) {
		c, err := ln.Accept()
		if err != nil {
			return nil, nil, err
		}
		return func() { s.serveConn(c) }, func() { c.Close() }, nil
	})
}

// serveConn runs the handler on c and closes c, unless detached.
func (s *StreamServer) serveConn(c net.Conn) {
	defer func() {
		if s.detached != nil {
			if _, ok := s.detached[c]; ok {
				delete(s.detached, c)
				return
			}
		}
		c.Close()
	}()
	s.Handler(c)
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
