package httpserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/greenshim/greenshim/green"
)

// conn is one connection, served by one greenlet: it reads a request,
// runs the handler in the same greenlet (as pywsgi does, and as net/http
// runs it on the conn's goroutine), writes the response and reads on,
// until the connection may not be kept. Everything in it runs on the
// server's hub, so it needs no lock.
type conn struct {
	srv        *Server
	l          *listener       // the Serve that accepted it
	g          *green.Greenlet // the greenlet serving it
	rwc        net.Conn
	remoteAddr string
	ctx        context.Context      // the connection's: base context and local address
	tlsState   *tls.ConnectionState // of a TLS conn, once its handshake is done

	r    connReader
	bufr *bufio.Reader
	bufw *bufio.Writer
	body *bufio.Writer // the responses' body buffer, bufferBeforeChunkingSize
	werr error         // the first write error

	state      http.ConnState
	since      time.Time // when it was accepted, for Shutdown
	cur        *response // the request in flight
	hijacked   bool
	lastMethod string

	// The deadlines last set on rwc, so that unchanged ones cost nothing.
	rdl, wdl time.Time
}

// errTooLarge is a request whose header exceeds MaxHeaderBytes.
var errTooLarge = errors.New("http: request too large")

// statusError is a request refused with a status.
type statusError struct {
	code int
	text string
}

func (e statusError) Error() string { return http.StatusText(e.code) + ": " + e.text }

func badRequest(text string) error { return statusError{http.StatusBadRequest, text} }

// rstAvoidanceDelay is how long a connection closed with a request body
// left unread waits, after sending its FIN, before it closes: as net/http,
// so that the client reads the response before the RST that closing with
// unread data sends.
const rstAvoidanceDelay = 500 * time.Millisecond

// serveConn serves rwc until it may not be kept. It is the StreamServer's
// handler: it runs in the connection's greenlet, and rwc is closed when
// it returns unless hijacked.
func (s *Server) serveConn(l *listener, rwc net.Conn) {
	c := &conn{srv: s, l: l, g: green.Current(), rwc: rwc}
	c.r = connReader{c: c, rwc: rwc}
	if ra := rwc.RemoteAddr(); ra != nil {
		c.remoteAddr = ra.String()
	}
	ctx := context.WithValue(l.baseCtx, http.LocalAddrContextKey, rwc.LocalAddr())
	if s.ConnContext != nil {
		ctx = s.ConnContext(ctx, rwc)
		if ctx == nil {
			panic("httpserver: ConnContext returned nil")
		}
	}
	c.ctx = ctx
	s.conns[c] = struct{}{}
	c.setState(http.StateNew)
	defer c.finish()
	c.serve()
}

// finish runs when the connection's greenlet ends, also when it is
// killed or its handler panicked: the panic is logged as net/http does and
// the connection closed.
func (c *conn) finish() {
	v := recover()
	if v != nil && green.Unwinding(v) {
		defer panic(v) // a kill: let it go on once the conn is closed
	} else if v != nil && v != http.ErrAbortHandler {
		const size = 64 << 10
		buf := make([]byte, size)
		buf = buf[:runtime.Stack(buf, false)]
		c.srv.logf("http: panic serving %v: %v\n%s", c.remoteAddr, v, buf)
	}
	if w := c.cur; w != nil {
		w.ctx.cancel(context.Canceled)
		w.canWriteContinue = false
		w.handlerDone = true
		c.cur = nil
	}
	if c.hijacked {
		return
	}
	c.r.stopWatch()
	if c.bufw != nil {
		c.bufw.Flush()
	}
	c.rwc.Close()
	c.setState(http.StateClosed)
}

func (c *conn) serve() {
	if tc, ok := c.rwc.(*tls.Conn); ok && !c.handshake(tc) {
		return
	}
	c.bufr = bufio.NewReaderSize(&c.r, 4<<10)
	c.bufw = bufio.NewWriterSize(checkConnErrorWriter{c}, 4<<10)
	if d := c.srv.readHeaderTimeout(); d > 0 {
		c.setReadDeadline(c.now().Add(d))
	}
	for {
		w, err := c.readRequest()
		if c.r.remain != c.srv.initialReadLimitSize() {
			c.setState(http.StateActive) // bytes came in
		}
		if err != nil {
			c.refuse(err)
			return
		}
		req := w.req
		if hasToken(get(req.Header, "Expect"), "100-continue") {
			if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 && w.reqBody != nil {
				w.reqBody.expect = true
				w.canWriteContinue = true
			}
		} else if get(req.Header, "Expect") != "" {
			w.handlerHeader.Set("Connection", "close")
			w.writeHeader(http.StatusExpectationFailed)
			w.finishRequest()
			return
		}

		c.cur = w
		c.serveHTTP(w)
		c.cur = nil
		w.ctx.cancel(context.Canceled)
		if c.hijacked {
			return
		}
		w.finishRequest()
		c.setWriteDeadline(time.Time{})
		if !w.shouldReuseConnection() {
			if w.bodyLimitHit {
				c.closeWriteAndWait()
			}
			return
		}
		c.setState(http.StateIdle)
		if !c.srv.doKeepAlives() {
			return
		}
		if d := c.srv.idleTimeout(); d > 0 {
			c.setReadDeadline(c.now().Add(d))
		} else {
			c.setReadDeadline(time.Time{})
		}
		// Wait for the next request's first bytes before its header
		// timeout starts.
		if _, err := c.bufr.Peek(4); err != nil {
			return
		}
		if d := c.srv.readHeaderTimeout(); d > 0 {
			c.setReadDeadline(c.now().Add(d))
		} else {
			c.setReadDeadline(time.Time{})
		}
	}
}

// serveHTTP runs the handler for w's request.
func (c *conn) serveHTTP(w *response) {
	h := c.srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	if !c.srv.DisableGeneralOptionsHandler && w.req.RequestURI == "*" && w.req.Method == "OPTIONS" {
		h = globalOptionsHandler{}
	}
	h.ServeHTTP(w, w.req)
}

// refuse answers a request that could not be read, as net/http does, and
// the connection ends.
func (c *conn) refuse(err error) {
	const errorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	switch {
	case err == errTooLarge:
		const publicErr = "431 Request Header Fields Too Large"
		fmt.Fprint(c.rwc, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
		c.closeWriteAndWait()
	case isUnsupportedTEError(err):
		code := http.StatusNotImplemented
		fmt.Fprintf(c.rwc, "HTTP/1.1 %d %s%sUnsupported transfer encoding", code, http.StatusText(code), errorHeaders)
	case isCommonNetReadError(err):
		// The client went away, or the read timed out: no reply.
	default:
		var se statusError
		if errors.As(err, &se) {
			fmt.Fprintf(c.rwc, "HTTP/1.1 %d %s: %s%s%d %s: %s", se.code, http.StatusText(se.code), se.text, errorHeaders, se.code, http.StatusText(se.code), se.text)
			return
		}
		const publicErr = "400 Bad Request"
		fmt.Fprint(c.rwc, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
	}
}

// readRequest reads the next request, with net/http's limits and checks.
func (c *conn) readRequest() (*response, error) {
	srv := c.srv
	var wholeReqDeadline time.Time
	if d := srv.ReadTimeout; d > 0 {
		wholeReqDeadline = c.now().Add(d)
	}
	if d := srv.WriteTimeout; d > 0 {
		// Also for the error a bad request gets.
		defer func() { c.setWriteDeadline(c.now().Add(d)) }()
	}
	c.r.setReadLimit(srv.initialReadLimitSize())
	if c.lastMethod == "POST" {
		// RFC 7230 section 3: tolerate the CRLF old clients add after a
		// POST body.
		peek, _ := c.bufr.Peek(4)
		c.bufr.Discard(numLeadingCRorLF(peek))
	}
	req, err := http.ReadRequest(c.bufr)
	if err != nil {
		if c.r.hitReadLimit() {
			return nil, errTooLarge
		}
		return nil, err
	}
	if req.ProtoMajor != 1 && !(req.ProtoMajor == 2 && req.ProtoMinor == 0 && req.Method == "PRI" && req.RequestURI == "*") {
		return nil, statusError{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	}
	c.lastMethod = req.Method
	c.r.setInfiniteReadLimit()

	// http.ReadRequest has moved the Host header into req.Host (the
	// URL's host wins for an absolute URL, as RFC 7230 says).
	isH2Upgrade := req.Method == "PRI" && len(req.Header) == 0 && req.URL.Path == "*" && req.Proto == "HTTP/2.0"
	if req.ProtoAtLeast(1, 1) && req.Host == "" && !isH2Upgrade && req.Method != "CONNECT" {
		return nil, badRequest("missing required Host header")
	}
	if req.Host != "" && !httpguts.ValidHostHeader(req.Host) {
		return nil, badRequest("malformed Host header")
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, badRequest("invalid header name")
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, badRequest("invalid header value")
			}
		}
	}

	w := &response{
		c:                c,
		req:              req,
		handlerHeader:    make(http.Header),
		contentLength:    -1,
		wants10KeepAlive: req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasToken(get(req.Header, "Connection"), "keep-alive"),
		wantsClose:       req.Close || hasToken(get(req.Header, "Connection"), "close"),
		closeAfterReply:  isH2Upgrade,
	}
	if req.Body != http.NoBody && req.Body != nil {
		w.reqBody = &requestBody{rc: req.Body, w: w}
		req.Body = w.reqBody
	}
	w.ctx = initReqCtx(&w.ctxv, c.ctx, w)
	req = req.WithContext(w.ctx)
	req.RemoteAddr = c.remoteAddr
	req.TLS = c.tlsState
	w.req = req
	w.cw.res = w
	if c.body == nil {
		c.body = bufio.NewWriterSize(&w.cw, bufferBeforeChunkingSize)
	} else {
		c.body.Reset(&w.cw)
	}
	w.w = c.body
	c.setReadDeadline(wholeReqDeadline)
	return w, nil
}

// readFailed ends the request in flight: the client went away (or a
// deadline passed). connReader calls it.
func (c *conn) readFailed() {
	if w := c.cur; w != nil {
		w.ctx.cancel(context.Canceled)
		w.closeNotify()
	}
}

// flush sends what bufw holds.
func (c *conn) flush() error { return c.bufw.Flush() }

// setReadDeadline sets rwc's read deadline unless it already is t.
func (c *conn) setReadDeadline(t time.Time) error {
	if t.Equal(c.rdl) {
		return nil
	}
	c.rdl = t
	return c.rwc.SetReadDeadline(t)
}

// setWriteDeadline sets rwc's write deadline unless it already is t.
func (c *conn) setWriteDeadline(t time.Time) error {
	if t.Equal(c.wdl) {
		return nil
	}
	c.wdl = t
	return c.rwc.SetWriteDeadline(t)
}

// clocked is a conn whose deadlines are on a clock of its own, which its
// Now reads: a simulated world's conns (green/sim), whose deadlines are in
// world time.
type clocked interface{ Now() time.Time }

// now is the time on the clock c's deadlines are on: the timeouts, the
// Date header and the age of a new connection are on it. For a conn of the
// operating system's that is the wall clock, whatever the hub's clock; for
// a simulated world's, world time, so that a server in a world times out in
// world time and its responses repeat with the seed.
func (c *conn) now() time.Time {
	rwc := c.rwc
	if tc, ok := rwc.(*tls.Conn); ok {
		rwc = tc.NetConn()
	}
	if k, ok := rwc.(clocked); ok {
		return k.Now()
	}
	return time.Now()
}

// setState records the connection's state and calls the ConnState hook.
func (c *conn) setState(st http.ConnState) {
	c.state = st
	if st == http.StateNew {
		c.since = c.now() // only new conns go stale (Shutdown)
	}
	srv := c.srv
	switch st {
	case http.StateHijacked, http.StateClosed:
		delete(srv.conns, c)
	}
	if srv.inShutdown.Load() && (st == http.StateIdle || st == http.StateHijacked || st == http.StateClosed) {
		srv.changed.Set()
	}
	if hook := srv.ConnState; hook != nil {
		hook(c.rwc, st)
	}
}

// hijack hands the connection over to the handler.
func (c *conn) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c.r.stopWatch()
	c.hijacked = true
	c.r.hijacked = true
	c.rwc.SetDeadline(time.Time{})
	if c.r.hasByte {
		// The watch's byte goes back into bufr, where the caller reads it.
		c.r.hijacked = false
		_, err := c.bufr.Peek(c.bufr.Buffered() + 1)
		c.r.hijacked = true
		if err != nil {
			return nil, nil, fmt.Errorf("unexpected Peek failure reading buffered byte: %v", err)
		}
	}
	c.bufw.Reset(c.rwc)
	c.l.stream.Detach(c.rwc)
	c.setState(http.StateHijacked)
	return c.rwc, bufio.NewReadWriter(c.bufr, c.bufw), nil
}

// closeWriteAndWait sends a FIN and waits a little before the close, so
// that the client reads the response before an RST (see net/http).
func (c *conn) closeWriteAndWait() {
	c.bufw.Flush()
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	green.Sleep(rstAvoidanceDelay)
}

// checkConnErrorWriter notes the first write error, which ends the
// request in flight.
type checkConnErrorWriter struct{ c *conn }

func (w checkConnErrorWriter) Write(p []byte) (int, error) {
	n, err := w.c.rwc.Write(p)
	if err != nil && w.c.werr == nil {
		w.c.werr = err
		if r := w.c.cur; r != nil {
			r.ctx.cancel(context.Canceled)
		}
	}
	return n, err
}

func (s *Server) maxHeaderBytes() int {
	if s.MaxHeaderBytes > 0 {
		return s.MaxHeaderBytes
	}
	return http.DefaultMaxHeaderBytes
}

// initialReadLimitSize is the header limit plus bufio's slop, as net/http.
func (s *Server) initialReadLimitSize() int64 { return int64(s.maxHeaderBytes()) + 4096 }

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout != 0 {
		return s.IdleTimeout
	}
	return s.ReadTimeout
}

func (s *Server) readHeaderTimeout() time.Duration {
	if s.ReadHeaderTimeout > 0 {
		return s.ReadHeaderTimeout
	}
	return s.ReadTimeout
}

// isCommonNetReadError reports whether err is the client going away or a
// read timing out: no reply is due.
func isCommonNetReadError(err error) bool {
	if err == io.EOF {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "read"
}

// isUnsupportedTEError reports whether err is http.ReadRequest's for a
// transfer encoding it does not know; its type is unexported.
func isUnsupportedTEError(err error) bool {
	return fmt.Sprintf("%T", err) == "*http.unsupportedTEError"
}

func numLeadingCRorLF(v []byte) (n int) {
	for _, b := range v {
		if b == '\r' || b == '\n' {
			n++
			continue
		}
		break
	}
	return
}

// globalOptionsHandler answers "OPTIONS *", as net/http's.
type globalOptionsHandler struct{}

func (globalOptionsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		mb := http.MaxBytesReader(w, r.Body, 4<<10)
		io.Copy(io.Discard, mb)
	}
}
