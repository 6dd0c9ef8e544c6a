// Package httpserver serves HTTP/1.1 with every connection, and the
// http.Handler of each of its requests, in a greenlet: gevent's pywsgi
// for net/http handlers.
//
//	srv := &httpserver.Server{Addr: ":8080", Handler: mux}
//	err := green.Run(srv.ListenAndServe) // http.ErrServerClosed after Shutdown
//
// A Server is http.Server's HTTP/1.1 part with the same fields and
// methods, so that a program switches by changing its type; the handlers
// are the same http.Handlers. Handlers run in greenlets, so they may wait
// on green primitives and cooperative modules, and they share the hub's
// state without locks; like any greenlet, one that blocks natively (a Go
// channel, a mutex held elsewhere, a net/http client call) holds the hub
// and should do so in green.Native or the hub's thread pool.
//
// # Semantics
//
// Requests are read with http.ReadRequest, and responses are framed as
// net/http's server frames them, rule for rule: keep-alive (HTTP/1.1, and
// HTTP/1.0 with Connection: keep-alive and a known length), chunked
// request and response bodies with trailers, a Content-Length for a
// handler that returns before writing 2 KiB, Content-Type sniffing, Date,
// HEAD (the body counted, not sent), 1xx informational responses,
// Expect: 100-continue (sent on the body's first Read; 417 for any other
// expectation), the unread body dropped (up to 256 KiB, else the
// connection closes) before the response, 400, 431, 501 and 505 for
// requests that cannot be served, and a panic in a handler logged and the
// connection closed (http.ErrAbortHandler quietly). The ResponseWriter is
// an http.Flusher, http.Hijacker and http.CloseNotifier and has what
// http.ResponseController needs (FlushError, SetReadDeadline,
// SetWriteDeadline, EnableFullDuplex). ReadTimeout, ReadHeaderTimeout,
// WriteTimeout, IdleTimeout and MaxHeaderBytes mean what they mean for
// http.Server. The timeouts, the Date header and the five seconds a new
// connection has before Shutdown counts it idle are on the clock the
// connection's deadlines are on: the wall clock for the operating system's
// sockets (whatever the hub's clock), and for a conn with a Now method
// (a simulated world's, green/sim), the time it gives. So in a simulated
// world the server times out in world time, and its responses are the same
// on every run with one seed.
//
// A request's context ends when its handler returns, when the connection
// fails (the client went away), and when the server's BaseContext ends.
// The client going away is noticed by a greenlet that watches the
// connection while the handler runs, started the first time the context
// is asked whether it is done (Done, Err, or a context derived from it):
// handlers that never ask cost no watch. net/http starts a goroutine per
// request for the same. The context holds the *Server under
// ServerContextKey (not under http.ServerContextKey: it is no
// *http.Server) and the local address under http.LocalAddrContextKey.
//
// # Lifecycle
//
// Serve runs a server.StreamServer on the listener: it belongs to the hub
// of the greenlet that calls it (or the Hub field's, or the default hub
// from a plain goroutine), and Pool bounds its connections. Shutdown
// closes the listener and the idle connections, then waits until the
// others have finished their request, woken by each one that does (net/http
// polls); Close closes them all at once. Both may be called from any
// goroutine, and from a handler: Shutdown then does not wait for the
// caller's own connection. Hijacked connections are the handler's: the server neither
// closes nor waits for them.
//
// # TLS
//
// ServeTLS and ListenAndServeTLS serve HTTPS/1.1 as http.Server's do, from
// TLSConfig and the certificate files; Request.TLS is set. Each handshake
// runs in a native region (green.Native), off the hub: its public-key
// arithmetic would otherwise hold every other connection for a millisecond
// or so. Plain HTTP sent to a TLS port gets net/http's 400.
//
// # Differences from net/http
//
// No HTTP/2 (TLS offers "http/1.1" only). http.MaxBytesReader cannot tell
// this server to close the connection (net/http does that through an
// unexported method); the unread rest is dropped or the connection closed
// as above. A request with an empty Host header is taken as one without
// (http.ReadRequest does not keep the difference), and answered 400 for
// HTTP/1.1. A request read just as Shutdown starts is served, with
// Connection: close, where net/http drops it. A request's Body and its
// ResponseWriter are to be used from greenlets of the server's hub.
package httpserver
