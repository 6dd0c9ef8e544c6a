package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// chunkWriter sits between a response's body buffer and the conn's bufw:
// on its first write it finalizes and writes the header (Content-Length
// or chunking, Content-Type, Date, Connection), then frames each write as
// a chunk when chunking. It is net/http's chunkWriter, whose decisions it
// copies one for one.
type chunkWriter struct {
	res *response

	// header is nil, or a snapshot of the handler's header taken at
	// WriteHeader time when the handler could still change it.
	header      http.Header
	wroteHeader bool // written to the conn's bufw
	chunking    bool
}

func (cw *chunkWriter) Write(p []byte) (int, error) {
	if !cw.wroteHeader {
		cw.writeHeader(p)
	}
	if cw.res.req.Method == "HEAD" {
		return len(p), nil // the body of a HEAD is counted, never sent
	}
	bw := cw.res.c.bufw
	if cw.chunking {
		bw.Write(strconv.AppendInt(cw.res.clenBuf[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
	}
	n, err := bw.Write(p)
	if cw.chunking && err == nil {
		_, err = bw.WriteString("\r\n")
	}
	if err != nil {
		cw.res.c.rwc.Close()
	}
	return n, err
}

func (cw *chunkWriter) flush() error {
	if !cw.wroteHeader {
		cw.writeHeader(nil)
	}
	return cw.res.c.flush()
}

// close ends the body: the last chunk and the trailers when chunking.
func (cw *chunkWriter) close() {
	if !cw.wroteHeader {
		cw.writeHeader(nil)
	}
	if cw.chunking {
		bw := cw.res.c.bufw
		bw.WriteString("0\r\n")
		if trailers := cw.res.finalTrailers(); trailers != nil {
			trailers.Write(bw)
		}
		bw.WriteString("\r\n")
	}
}

// writeHeader finalizes the header and writes it to the conn's bufw. p is
// the first chunk of the body, not written here: it is sniffed for a
// Content-Type if none is set, and gives the Content-Length when the
// handler has already returned. See net/http's chunkWriter.writeHeader,
// whose comments explain each rule.
func (cw *chunkWriter) writeHeader(p []byte) {
	if cw.wroteHeader {
		return
	}
	cw.wroteHeader = true
	w := cw.res
	c := w.c
	keepAlivesEnabled := c.srv.doKeepAlives()
	isHEAD := w.req.Method == "HEAD"

	header := cw.header
	owned := header != nil
	if !owned {
		header = w.handlerHeader
	}
	var excludeHeader map[string]bool
	delHeader := func(key string) {
		if owned {
			header.Del(key)
			return
		}
		if _, ok := header[key]; !ok {
			return
		}
		if excludeHeader == nil {
			excludeHeader = make(map[string]bool)
		}
		excludeHeader[key] = true
	}
	var setHeader extraHeader

	trailers := false
	for k := range cw.header {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			if excludeHeader == nil {
				excludeHeader = make(map[string]bool)
			}
			excludeHeader[k] = true
			trailers = true
		}
	}
	for _, v := range cw.header["Trailer"] {
		trailers = true
		foreachHeaderElement(v, w.declareTrailer)
	}

	te := get(header, "Transfer-Encoding")
	hasTE := te != ""

	// A handler done before filling the buffer gets a Content-Length.
	if w.handlerDone && !trailers && !hasTE && bodyAllowedForStatus(w.status) && !has(header, "Content-Length") && (!isHEAD || len(p) > 0) {
		w.contentLength = int64(len(p))
		setHeader.contentLength = strconv.AppendInt(w.clenBuf[:0], int64(len(p)), 10)
	}

	if w.wants10KeepAlive && keepAlivesEnabled {
		sentLength := get(header, "Content-Length") != ""
		if sentLength && get(header, "Connection") == "keep-alive" {
			w.closeAfterReply = false
		}
	}

	hasCL := w.contentLength != -1

	if w.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(w.status)) {
		if _, set := header["Connection"]; !set {
			setHeader.connection = "keep-alive"
		}
	} else if !w.req.ProtoAtLeast(1, 1) || w.wantsClose {
		w.closeAfterReply = true
	}

	if get(header, "Connection") == "close" || !keepAlivesEnabled {
		w.closeAfterReply = true
	}

	// The client asked for 100 Continue and never got to send its body:
	// do not read on.
	if w.reqBody != nil && w.expectedContinue() && !w.reqBody.sawEOF {
		w.closeAfterReply = true
	}

	// Drop the body the handler left before answering: some clients send
	// their whole request before they read, and would deadlock.
	if w.req.ContentLength != 0 && !w.closeAfterReply && !w.fullDuplex && w.reqBody != nil {
		reusable, tooBig := w.reqBody.discard(w.req.ContentLength)
		if tooBig {
			w.requestTooLarge()
			delHeader("Connection")
			setHeader.connection = "close"
		} else if !reusable {
			w.closeAfterReply = true
		}
	}

	code := w.status
	if bodyAllowedForStatus(code) {
		_, haveType := header["Content-Type"]
		hasCE := header.Get("Content-Encoding") != ""
		if !hasCE && !haveType && !hasTE && len(p) > 0 {
			setHeader.contentType = http.DetectContentType(p)
		}
	} else {
		for _, k := range suppressedHeaders(code) {
			delHeader(k)
		}
	}

	if _, ok := header["Date"]; !ok {
		setHeader.date = c.srv.date(c.now())
	}

	if hasCL && hasTE && te != "identity" {
		c.srv.logf("http: WriteHeader called with both Transfer-Encoding of %q and a Content-Length of %d", te, w.contentLength)
		delHeader("Content-Length")
		hasCL = false
	}

	switch {
	case isHEAD || !bodyAllowedForStatus(code) || code == http.StatusNoContent:
		delHeader("Transfer-Encoding")
	case hasCL:
		delHeader("Transfer-Encoding")
	case w.req.ProtoAtLeast(1, 1):
		if hasTE && te == "identity" {
			cw.chunking = false
			w.closeAfterReply = true
			delHeader("Transfer-Encoding")
		} else {
			cw.chunking = true
			setHeader.transferEncoding = "chunked"
			if hasTE && te == "chunked" {
				delHeader("Transfer-Encoding")
			}
		}
	default:
		// HTTP/1.0 without a length: the end of the body is the end of
		// the connection.
		w.closeAfterReply = true
		delHeader("Transfer-Encoding")
	}

	if cw.chunking {
		delHeader("Content-Length")
	}
	if !w.req.ProtoAtLeast(1, 0) {
		return
	}

	delConnectionHeader := w.closeAfterReply &&
		(!keepAlivesEnabled || !hasToken(get(cw.header, "Connection"), "close")) &&
		!isProtocolSwitchResponse(w.status, header)
	if delConnectionHeader {
		delHeader("Connection")
		if w.req.ProtoAtLeast(1, 1) {
			setHeader.connection = "close"
		}
	}

	bw := c.bufw
	writeStatusLine(bw, w.req.ProtoAtLeast(1, 1), code, w.statusBuf[:])
	if len(cw.header) > 0 {
		cw.header.WriteSubset(bw, excludeHeader)
	}
	setHeader.write(bw)
	bw.WriteString("\r\n")
}

// get is Header.Get for a canonical key, without canonicalizing it.
func get(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// has reports whether h has key, even with no value.
func has(h http.Header, key string) bool {
	_, ok := h[key]
	return ok
}

// expectedContinue reports whether the request asked for 100 Continue.
func (w *response) expectedContinue() bool { return w.reqBody != nil && w.reqBody.expect }

// extraHeader holds the headers writeHeader adds, written without a map.
type extraHeader struct {
	contentType      string
	connection       string
	transferEncoding string
	date             []byte
	contentLength    []byte
}

func (h extraHeader) write(w interface {
	Write([]byte) (int, error)
	WriteString(string) (int, error)
}) {
	if h.date != nil {
		w.WriteString("Date: ")
		w.Write(h.date)
		w.WriteString("\r\n")
	}
	if h.contentLength != nil {
		w.WriteString("Content-Length: ")
		w.Write(h.contentLength)
		w.WriteString("\r\n")
	}
	for i, v := range []string{h.contentType, h.connection, h.transferEncoding} {
		if v != "" {
			w.WriteString(extraHeaderKeys[i])
			w.WriteString(": ")
			w.WriteString(v)
			w.WriteString("\r\n")
		}
	}
}

var extraHeaderKeys = []string{"Content-Type", "Connection", "Transfer-Encoding"}

// foreachHeaderElement calls fn on each element of a comma-separated
// header value.
func foreachHeaderElement(v string, fn func(string)) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if !strings.Contains(v, ",") {
		fn(v)
		return
	}
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fn(f)
		}
	}
}

// hasToken reports whether token is among v's comma-separated elements,
// ignoring case.
func hasToken(v, token string) bool {
	return httpguts.HeaderValuesContainsToken([]string{v}, token)
}

func isProtocolSwitchResponse(code int, h http.Header) bool {
	return code == http.StatusSwitchingProtocols && h.Get("Upgrade") != "" &&
		httpguts.HeaderValuesContainsToken(h["Connection"], "Upgrade")
}
