// Package server runs network servers in greenlets: a greenlet per
// connection (StreamServer) or per packet (DatagramServer), gevent's
// gevent.server. Package httpserver, below it, serves HTTP/1.1 on a
// StreamServer, as gevent's pywsgi.
//
//	srv := &server.StreamServer{Handler: func(c net.Conn) { io.Copy(c, c) }}
//	err := green.Run(func() error {
//		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:7000")
//		if err != nil {
//			return err
//		}
//		return srv.Serve(ln) // until srv.Stop or srv.Close
//	})
//
// # Greenlets
//
// A server belongs to one hub: that of the greenlet that starts it, or
// the Hub field's, or the default hub when a plain goroutine starts it.
// Its accept loop is a greenlet of that hub, and so is every handler: each
// connection's (each packet's) Handler runs in a greenlet of its own,
// spawned in Pool when it is set, in a group of the server's otherwise.
// Handlers wait cooperatively on the conns they are given, which are those
// of the listener's socket module: give the server a listener of
// green.Socket (or of registry.Socket() once patched), since the Accept of
// package net's listeners, and the Read and Write of their conns, block the
// hub.
//
// The server's methods may be called from any goroutine: from a greenlet
// of another hub or from a plain goroutine they run in a greenlet of the
// server's hub while the caller waits (blocking only itself, see green's #
// Outside goroutines).
//
// # Accepting
//
// The accept loop (gevent's BaseServer._do_read) takes connections one
// after another while they are there, and lets the handlers run (a
// green.Yield) after every MaxAccept connections taken in a row, 100 by
// default, so that a flood of connections does not keep the first ones
// waiting. While Pool is full it takes nothing: new connections wait in
// the listener's backlog, and the loop goes on when a handler ends.
//
// An accept that fails for a reason that passes (EMFILE or ENFILE: no
// descriptor left; ENOBUFS, ENOMEM; a net.Error that is Temporary or a
// Timeout) is logged to ErrorLog and retried after a delay that starts at
// MinDelay (10ms) and doubles with each failure in a row up to MaxDelay
// (1s); a successful accept resets it. A connection its peer aborted before
// it was accepted (ECONNABORTED) is skipped at once. Any other error ends
// the loop, and Serve returns it, as net/http's Serve does (gevent retries
// all but EBADF, EINVAL and ENOTSOCK).
//
// # Stopping
//
// Close stops accepting and closes the listener, gevent's close: handlers
// go on. Stop(grace) closes, waits up to grace for the handlers to end,
// then kills the rest (each unwinds from its wait, running its deferred
// calls, which close its conn) and waits until they have ended, gevent's
// stop(timeout); a handler that calls Stop is neither waited for nor
// killed. Serve returns ErrClosed once the server is closed; if its
// caller is killed while it serves, Serve stops the server (StopTimeout,
// 1s by default) on the way out, as gevent's serve_forever. A server is
// started once; after Close, Start and Serve return ErrClosed.
//
// # Conns
//
// The server closes each conn when its handler returns, as gevent's server
// does. A handler that hands its conn to another greenlet first calls
// Detach, which is what net/http's Hijack needs.
//
// # Errors
//
// Serve and ListenAndServe return ErrClosed after Close or Stop, or the
// error that ended the accept loop. Start on a started server fails, and
// closes the listener it was given. A nil Handler, and negative limits,
// are programmer errors: Start panics with a message starting "server: ".
package server
