package httpserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// bufferBeforeChunkingSize is how much of a body the response holds before
// it commits to chunking: a handler that writes less and returns gets a
// Content-Length instead. It is net/http's (and at least 512 bytes, for
// http.DetectContentType).
const bufferBeforeChunkingSize = 2048

// errAfterHandler is what a ResponseWriter kept past its ServeHTTP returns.
var errAfterHandler = errors.New("httpserver: ResponseWriter used after its ServeHTTP returned")

// response is the http.ResponseWriter of one request, net/http's response
// on a greenlet: the handler writes into w (bufferBeforeChunkingSize
// bytes), which flushes into cw, which finalizes the header on its first
// write and frames the body (chunked or not) into the conn's bufw.
//
// It also is an http.Flusher and http.Hijacker, and has the methods
// http.ResponseController looks for (FlushError, SetReadDeadline,
// SetWriteDeadline, EnableFullDuplex). It is used from greenlets of the
// server's hub, as net/http's is used from one goroutine at a time.
type response struct {
	c       *conn
	req     *http.Request
	reqBody *requestBody // nil for a request without a body
	ctx     *reqCtx      // &ctxv
	ctxv    reqCtx       // in the response, to save an allocation

	handlerHeader http.Header
	calledHeader  bool // the handler called Header
	wroteHeader   bool // a non-1xx header has been (logically) written
	status        int
	contentLength int64 // declared by the handler, or -1
	written       int64 // body bytes the handler wrote

	wants10KeepAlive bool // HTTP/1.0 with Connection: keep-alive
	wantsClose       bool // Connection: close
	closeAfterReply  bool
	canWriteContinue bool // the body's first Read sends 100 Continue
	fullDuplex       bool
	bodyLimitHit     bool // too much body left: close after a FIN and a pause
	handlerDone      bool
	watchWanted      bool // the context asked for a watch before the body's end

	w  *bufio.Writer // the conn's, reset onto cw for each request
	cw chunkWriter

	trailers []string

	closeNotifyCh        chan bool
	closeNotifyTriggered bool

	clenBuf   [20]byte
	statusBuf [3]byte
}

var (
	_ http.ResponseWriter = (*response)(nil)
	_ http.Flusher        = (*response)(nil)
	_ http.Hijacker       = (*response)(nil)
	_ http.CloseNotifier  = (*response)(nil) //nolint:staticcheck // net/http's servers have it
	_ io.StringWriter     = (*response)(nil)
	_ io.ReaderFrom       = (*response)(nil)
)

// Header copies http.ResponseWriter's Header.
func (w *response) Header() http.Header {
	if w.cw.header == nil && w.wroteHeader && !w.cw.wroteHeader {
		// The header is written but not sent: what the handler changes
		// from now on must not reach the client.
		w.cw.header = w.handlerHeader.Clone()
	}
	w.calledHeader = true
	return w.handlerHeader
}

// WriteHeader copies http.ResponseWriter's WriteHeader: 1xx codes but 101
// are sent at once (informational), any number of times; the rest once.
func (w *response) WriteHeader(code int) {
	if w.c.hijacked {
		w.c.srv.logf("http: response.WriteHeader on hijacked connection")
		return
	}
	if w.handlerDone {
		w.c.srv.logf("%v", errAfterHandler)
		return
	}
	if w.wroteHeader {
		w.c.srv.logf("http: superfluous response.WriteHeader call")
		return
	}
	w.writeHeader(code)
}

// writeHeader is WriteHeader once the checks are made.
func (w *response) writeHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 101 || code > 199 {
		// 100 Continue, or a final status, ends the automatic one.
		w.canWriteContinue = false
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		bw := w.c.bufw
		writeStatusLine(bw, w.req.ProtoAtLeast(1, 1), code, w.statusBuf[:])
		w.handlerHeader.WriteSubset(bw, excludedHeadersNoBody)
		bw.WriteString("\r\n")
		bw.Flush()
		return
	}
	w.wroteHeader = true
	w.status = code
	if w.calledHeader && w.cw.header == nil {
		w.cw.header = w.handlerHeader.Clone()
	}
	if cl := w.handlerHeader.Get("Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.contentLength = v
		} else {
			w.c.srv.logf("http: invalid Content-Length of %q", cl)
			w.handlerHeader.Del("Content-Length")
		}
	}
}

// Write copies http.ResponseWriter's Write.
func (w *response) Write(p []byte) (int, error) { return w.write(len(p), p, "") }

// WriteString is Write for a string, without copying it.
func (w *response) WriteString(s string) (int, error) { return w.write(len(s), nil, s) }

func (w *response) write(n int, b []byte, s string) (int, error) {
	if w.c.hijacked {
		if n > 0 {
			w.c.srv.logf("http: response.Write on hijacked connection")
		}
		return 0, http.ErrHijacked
	}
	if w.handlerDone {
		return 0, errAfterHandler
	}
	w.canWriteContinue = false
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return 0, nil
	}
	if !bodyAllowedForStatus(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(n)
	if w.contentLength != -1 && w.written > w.contentLength {
		return 0, http.ErrContentLength
	}
	if b != nil {
		return w.w.Write(b)
	}
	return w.w.WriteString(s)
}

// ReadFrom copies src into the body: io.Copy(w, file) uses it.
func (w *response) ReadFrom(src io.Reader) (int64, error) {
	buf := make([]byte, 32<<10)
	return io.CopyBuffer(writerOnly{w}, src, buf)
}

type writerOnly struct{ io.Writer }

// Flush copies http.Flusher's Flush.
func (w *response) Flush() { w.FlushError() }

// FlushError sends what the handler wrote so far, header included, and
// returns the conn's error, for http.ResponseController.
func (w *response) FlushError() error {
	if w.c.hijacked {
		return http.ErrHijacked
	}
	if w.handlerDone {
		return errAfterHandler
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	err := w.w.Flush()
	if e := w.cw.flush(); err == nil {
		err = e
	}
	return err
}

// SetReadDeadline sets the conn's read deadline, for
// http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error { return w.c.setReadDeadline(t) }

// SetWriteDeadline sets the conn's write deadline, for
// http.ResponseController.
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.setWriteDeadline(t) }

// EnableFullDuplex lets the handler read the body after it started
// writing, for http.ResponseController.
func (w *response) EnableFullDuplex() error {
	w.fullDuplex = true
	return nil
}

// Hijack copies http.Hijacker's Hijack: the caller takes the conn over,
// with what the server had buffered from it; the server forgets it, and
// Shutdown neither closes nor waits for it.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.handlerDone {
		panic("httpserver: Hijack called after ServeHTTP finished")
	}
	if w.c.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.canWriteContinue = false
	if w.wroteHeader {
		w.cw.flush()
	}
	return w.c.hijack()
}

// CloseNotify copies http.CloseNotifier's CloseNotify: the channel
// receives once the client is gone. Like the context, it starts the watch.
func (w *response) CloseNotify() <-chan bool {
	if w.handlerDone {
		panic("httpserver: CloseNotify called after ServeHTTP finished")
	}
	if w.closeNotifyCh == nil {
		w.closeNotifyCh = make(chan bool, 1)
		if w.closeNotifyTriggered {
			w.closeNotifyCh <- true
		}
	}
	w.ctx.ask()
	return w.closeNotifyCh
}

func (w *response) closeNotify() {
	if w.closeNotifyTriggered {
		return
	}
	w.closeNotifyTriggered = true
	if w.closeNotifyCh != nil {
		w.closeNotifyCh <- true
	}
}

// writeContinue sends "100 Continue" for the body's first Read.
func (w *response) writeContinue() {
	w.canWriteContinue = false
	bw := w.c.bufw
	bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
	bw.Flush()
}

// wantWatch starts the watch the context asked for, once the body has
// been read. Hub context.
func (w *response) wantWatch() {
	if w.handlerDone || w.c.hijacked {
		return
	}
	if w.reqBody != nil && !w.reqBody.sawEOF {
		w.watchWanted = true
		return
	}
	w.c.r.startWatch()
}

// bodyDone is called when the body has been read to its end.
func (w *response) bodyDone() {
	if w.watchWanted && !w.handlerDone {
		w.watchWanted = false
		w.c.r.startWatch()
	}
}

// requestTooLarge marks the connection for closing: too much body is left.
func (w *response) requestTooLarge() {
	w.closeAfterReply = true
	w.bodyLimitHit = true
}

// finishRequest sends what is left of the response. Hub context.
func (w *response) finishRequest() {
	w.handlerDone = true
	if !w.wroteHeader {
		w.writeHeader(http.StatusOK)
	}
	w.w.Flush()
	w.cw.close()
	w.c.flush()
	w.c.r.stopWatch()
	if w.reqBody != nil {
		w.reqBody.Close()
	}
	if w.req.MultipartForm != nil {
		w.req.MultipartForm.RemoveAll()
	}
}

// shouldReuseConnection reports whether the conn may serve another
// request, as net/http's.
func (w *response) shouldReuseConnection() bool {
	if w.closeAfterReply {
		return false
	}
	if w.req.Method != "HEAD" && w.contentLength != -1 && bodyAllowedForStatus(w.status) && w.contentLength != w.written {
		return false // the body is short: the client would read the next response as its end
	}
	return w.c.werr == nil
}

// finalTrailers returns the trailers the handler set, or nil.
func (w *response) finalTrailers() http.Header {
	var t http.Header
	for k, vv := range w.handlerHeader {
		if kk, found := strings.CutPrefix(k, http.TrailerPrefix); found {
			if t == nil {
				t = make(http.Header)
			}
			t[kk] = vv
		}
	}
	for _, k := range w.trailers {
		if t == nil {
			t = make(http.Header)
		}
		for _, v := range w.handlerHeader[k] {
			t.Add(k, v)
		}
	}
	return t
}

// declareTrailer notes a trailer announced in the Trailer header.
func (w *response) declareTrailer(k string) {
	k = http.CanonicalHeaderKey(k)
	if !httpguts.ValidTrailerHeader(k) {
		return
	}
	w.trailers = append(w.trailers, k)
}

// writeStatusLine writes an HTTP/1.x status line.
func writeStatusLine(bw *bufio.Writer, is11 bool, code int, scratch []byte) {
	if code == http.StatusOK && is11 {
		bw.WriteString("HTTP/1.1 200 OK\r\n") // most of them
		return
	}
	if is11 {
		bw.WriteString("HTTP/1.1 ")
	} else {
		bw.WriteString("HTTP/1.0 ")
	}
	if text := http.StatusText(code); text != "" {
		bw.Write(strconv.AppendInt(scratch[:0], int64(code), 10))
		bw.WriteByte(' ')
		bw.WriteString(text)
		bw.WriteString("\r\n")
	} else {
		fmt.Fprintf(bw, "%03d status code %d\r\n", code, code)
	}
}

func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == 204, status == 304:
		return false
	}
	return true
}

var (
	suppressedHeaders304    = []string{"Content-Type", "Content-Length", "Transfer-Encoding"}
	suppressedHeadersNoBody = []string{"Content-Length", "Transfer-Encoding"}
	excludedHeadersNoBody   = map[string]bool{"Content-Length": true, "Transfer-Encoding": true}
)

func suppressedHeaders(status int) []string {
	switch {
	case status == 304:
		return suppressedHeaders304
	case !bodyAllowedForStatus(status):
		return suppressedHeadersNoBody
	}
	return nil
}
