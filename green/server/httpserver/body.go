package httpserver

import (
	"errors"
	"io"
	"net/http"
)

// maxPostHandlerReadBytes is how much of a request body the handler left
// unread the server reads (and drops) to keep the connection for the next
// request; with more left it closes the connection instead, as net/http.
const maxPostHandlerReadBytes = 256 << 10

// requestBody is a request's Body: the body http.ReadRequest made,
// counted, with net/http's server behaviour on top:
//   - with "Expect: 100-continue", the first Read sends "100 Continue";
//   - reaching its end lets a pending watch start (see reqCtx);
//   - Close does not read the rest (http.ReadRequest's body would read it
//     all); the server drops at most maxPostHandlerReadBytes of it once the
//     handler is done, as net/http's does.
//
// Like the rest of a request it is used from greenlets of the server's hub.
type requestBody struct {
	rc     io.ReadCloser
	w      *response
	n      int64 // bytes read
	sawEOF bool
	closed bool
	expect bool  // the request asked for 100 Continue
	err    error // the last read error that was not EOF
}

// Read copies net/http's request body Read.
func (b *requestBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.w.canWriteContinue {
		b.w.writeContinue()
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		if !b.sawEOF {
			b.sawEOF = true
			b.w.bodyDone()
		}
	} else if err != nil {
		b.err = err
	}
	return n, err
}

// Close copies net/http's request body Close: later Reads fail.
func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// discard reads and drops what the handler left of the body, up to the
// limit, before the response is written. It reports whether the
// connection can serve another request after this one. Hub context.
func (b *requestBody) discard(contentLength int64) (reusable, tooBig bool) {
	if b.sawEOF {
		return true, false
	}
	if b.err != nil {
		// Whatever remains on the wire must not be read as a request.
		return false, false
	}
	if contentLength > 0 && contentLength-b.n > maxPostHandlerReadBytes {
		return false, true
	}
	n, err := io.CopyN(io.Discard, b.rc, maxPostHandlerReadBytes+1)
	b.n += n
	switch {
	case err == nil:
		return false, true // even more is left
	case errors.Is(err, io.EOF):
		b.sawEOF = true
		return true, false
	default:
		return false, false
	}
}
