package httpserver_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// protoCase is one behaviour of net/http's server, checked with real
// clients (net/http's, or a raw conn) against both servers.
type protoCase struct {
	name string
	run  func(t *testing.T, start func(http.Handler, opts) *running)
}

// TestServer_Protocol runs every case against net/http's server, which
// shows the case checks the right thing, and against this package's.
func TestServer_Protocol(t *testing.T) {
	for _, c := range protoCases {
		t.Run(c.name, func(t *testing.T) {
			for _, tg := range targets {
				t.Run(tg.name, func(t *testing.T) {
					c.run(t, func(h http.Handler, o opts) *running { return tg.start(t, h, o) })
				})
			}
		})
	}
}

var protoCases = []protoCase{
	{"KeepAlive", func(t *testing.T, start func(http.Handler, opts) *running) {
		var mu sync.Mutex
		var states []http.ConnState
		closed := make(chan struct{})
		r := start(hello, opts{ConnState: func(_ net.Conn, s http.ConnState) {
			mu.Lock()
			states = append(states, s)
			mu.Unlock()
			if s == http.StateClosed {
				close(closed)
			}
		}})
		cl := client(t)
		var reused []bool
		for range 3 {
			trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(testCtx(t), trace), "GET", r.url, nil)
			resp, err := cl.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "hello", string(body))
			assert.Equal(t, int64(5), resp.ContentLength)
		}
		assert.Equal(t, []bool{false, true, true}, reused)
		cl.CloseIdleConnections()
		_, ok := recv(testCtx(t), closed)
		require.True(t, ok)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []http.ConnState{http.StateNew, http.StateActive, http.StateIdle, http.StateActive, http.StateIdle, http.StateActive, http.StateIdle, http.StateClosed}, states)
	}},

	{"ChunkedRequestBody", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%v %d %d %v", r.TransferEncoding, r.ContentLength, len(b), err)
		}), opts{})
		pr, pw := io.Pipe()
		go func() {
			for range 10 {
				pw.Write(bytes.Repeat([]byte("x"), 1000))
			}
			pw.Close()
		}()
		resp, err := client(t).Post(r.url, "text/plain", pr) // no length: chunked
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		assert.Equal(t, "[chunked] -1 10000 <nil>", string(body))
	}},

	{"ChunkedResponseAndTrailers", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Sum")
			for i := range 3 {
				w.Write(bytes.Repeat([]byte{'a' + byte(i)}, 3000))
				w.(http.Flusher).Flush()
			}
			w.Header().Set("X-Sum", "9000")
			w.Header().Set(http.TrailerPrefix+"X-Late", "yes")
		}), opts{})
		resp, err := client(t).Get(r.url)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
		assert.Equal(t, strings.Repeat("a", 3000)+strings.Repeat("b", 3000)+strings.Repeat("c", 3000), string(body))
		assert.Equal(t, "9000", resp.Trailer.Get("X-Sum"))
		assert.Equal(t, "yes", resp.Trailer.Get("X-Late"))
	}},

	{"SmallBodyGetsContentLength", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>hi</body></html>"))
		}), opts{})
		resp, err := client(t).Get(r.url)
		require.NoError(t, err)
		defer resp.Body.Close()
		io.ReadAll(resp.Body)
		assert.Equal(t, int64(28), resp.ContentLength)
		assert.Empty(t, resp.TransferEncoding)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		_, err = http.ParseTime(resp.Header.Get("Date"))
		assert.NoError(t, err)
	}},

	{"Expect100Continue", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/refuse" {
				w.WriteHeader(http.StatusForbidden) // never reads: no 100 Continue
				return
			}
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "got %d", len(b))
		}), opts{})
		cl := client(t)
		for _, c := range []struct {
			path      string
			status    int
			body      string
			continued bool
		}{{"/read", 200, "got 4096", true}, {"/refuse", 403, "", false}} {
			continued := false
			trace := &httptrace.ClientTrace{Got100Continue: func() { continued = true }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(testCtx(t), trace), "POST", r.url+c.path, bytes.NewReader(make([]byte, 4096)))
			req.Header.Set("Expect", "100-continue")
			resp, err := cl.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, c.status, resp.StatusCode, c.path)
			assert.Equal(t, c.body, string(body), c.path)
			assert.Equal(t, c.continued, continued, c.path)
			assert.Equal(t, !c.continued, resp.Close, "a body never asked for closes the connection")
		}
	}},

	{"ExpectationFailed", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 3\r\n\r\nabc")
		resp, _ := readResponse(t, br, "POST")
		assert.Equal(t, http.StatusExpectationFailed, resp.StatusCode)
		assert.True(t, resp.Close)
	}},

	{"HEAD", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, body := readResponse(t, br, "HEAD")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, int64(5), resp.ContentLength)
		assert.Empty(t, body)
		resp, body = readResponse(t, br, "GET") // no stray body bytes in between
		assert.Equal(t, "hello", body)
	}},

	{"Hijack", func(t *testing.T, start func(http.Handler, opts) *running) {
		var mu sync.Mutex
		var states []http.ConnState
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, brw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				w.WriteHeader(500)
				return
			}
			defer c.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
			brw.Flush()
			line, _ := brw.ReadString('\n') // the client may have sent it with the request
			brw.WriteString("echo: " + line)
			brw.Flush()
		}), opts{ConnState: func(_ net.Conn, s http.ConnState) {
			mu.Lock()
			states = append(states, s)
			mu.Unlock()
		}})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nhi there\n")
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		assert.Equal(t, 101, resp.StatusCode)
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "echo: hi there\n", line)
		_, err = br.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "the handler's Close closes it")
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []http.ConnState{http.StateNew, http.StateActive, http.StateHijacked}, states)
	}},

	{"ContextEndsWhenClientGoesAway", func(t *testing.T, start func(http.Handler, opts) *running) {
		started := make(chan struct{})
		ended := make(chan error, 1)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			_, ok := recv(testCtx(t), r.Context().Done())
			if !ok {
				ended <- errors.New("the context did not end")
				return
			}
			ended <- r.Context().Err()
		}), opts{})
		ctx, cancel := context.WithCancel(testCtx(t))
		go func() {
			<-started
			cancel() // the client gives up: its conn closes
		}()
		req, _ := http.NewRequestWithContext(ctx, "GET", r.url, nil)
		_, err := client(t).Do(req)
		require.ErrorIs(t, err, context.Canceled)
		got, ok := recv(testCtx(t), ended)
		require.True(t, ok)
		assert.ErrorIs(t, got, context.Canceled)
	}},

	{"ContextEndsWithHandler", func(t *testing.T, start func(http.Handler, opts) *running) {
		ctxs := make(chan context.Context, 1)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			assert.NoError(t, r.Context().Err())
			ctxs <- r.Context()
			assert.NotNil(t, r.Context().Value(http.LocalAddrContextKey))
		}), opts{})
		resp, err := client(t).Get(r.url)
		require.NoError(t, err)
		resp.Body.Close()
		ctx := <-ctxs
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
		_, ok := <-ctx.Done()
		assert.False(t, ok)
	}},

	{"ReadHeaderTimeout", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{ReadHeaderTimeout: 50 * time.Millisecond})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the end
		_, err := br.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "the server hangs up without a reply")
	}},

	{"IdleTimeout", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{IdleTimeout: 50 * time.Millisecond})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		_, body := readResponse(t, br, "GET")
		assert.Equal(t, "hello", body)
		_, err := br.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "the idle connection is closed")
	}},

	{"WriteTimeout", func(t *testing.T, start func(http.Handler, opts) *running) {
		release := make(chan struct{})
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			recv(testCtx(t), release)
			io.WriteString(w, "too late")
		}), opts{WriteTimeout: 50 * time.Millisecond})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		time.AfterFunc(200*time.Millisecond, func() { close(release) }) // past the deadline
		_, err := http.ReadResponse(br, nil)
		assert.Error(t, err, "the write failed: no response")
	}},

	{"ShutdownWaitsForActive", func(t *testing.T, start func(http.Handler, opts) *running) {
		inHandler := make(chan struct{})
		release := make(chan struct{})
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				close(inHandler)
				recv(testCtx(t), release)
			}
			io.WriteString(w, r.URL.Path)
		}), opts{})
		idle, idleBr := rawConn(t, r)
		io.WriteString(idle, "GET /idle HTTP/1.1\r\nHost: x\r\n\r\n")
		readResponse(t, idleBr, "GET")

		slow := make(chan string, 1)
		go func() {
			resp, err := client(t).Get(r.url + "/slow")
			if err != nil {
				slow <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			slow <- string(b)
		}()
		<-inHandler
		shut := make(chan error, 1)
		go func() { shut <- r.shutdown(testCtx(t)) }()
		_, err := idleBr.ReadByte()
		assert.ErrorIs(t, err, io.EOF, "Shutdown closes the idle connection")
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned %v with a request in flight", err)
		default:
		}
		close(release)
		assert.Equal(t, "/slow", <-slow)
		require.NoError(t, <-shut)
		err, ended := r.serveResult()
		require.True(t, ended)
		assert.ErrorIs(t, err, http.ErrServerClosed)
		_, err = net.Dial("tcp", r.addr)
		assert.Error(t, err, "the listener is closed")
	}},

	{"ShutdownContextEnds", func(t *testing.T, start func(http.Handler, opts) *running) {
		inHandler := make(chan struct{})
		release := make(chan struct{})
		defer close(release)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(inHandler)
			recv(testCtx(t), release)
		}), opts{})
		go client(t).Get(r.url)
		<-inHandler
		ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
		defer cancel()
		assert.ErrorIs(t, r.shutdown(ctx), context.DeadlineExceeded)
	}},

	{"CloseEndsActive", func(t *testing.T, start func(http.Handler, opts) *running) {
		inHandler := make(chan struct{})
		release := make(chan struct{})
		defer close(release)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(inHandler)
			recv(testCtx(t), release)
		}), opts{})
		got := make(chan error, 1)
		go func() {
			_, err := client(t).Get(r.url)
			got <- err
		}()
		<-inHandler
		require.NoError(t, r.close())
		err, ok := recv(testCtx(t), got)
		require.True(t, ok)
		assert.Error(t, err, "the client's connection was closed under it")
	}},

	{"HandlerPanic", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/panic":
				panic("boom")
			case "/abort":
				panic(http.ErrAbortHandler)
			}
			io.WriteString(w, "fine")
		}), opts{})
		for _, path := range []string{"/panic", "/abort"} {
			c, br := rawConn(t, r)
			io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			_, err := http.ReadResponse(br, nil)
			assert.Error(t, err, "no response, the connection closed")
		}
		resp, err := client(t).Get(r.url + "/fine")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, "the server goes on")
		assert.Equal(t, 1, strings.Count(r.log.String(), "http: panic serving"), r.log.String())
		assert.Contains(t, r.log.String(), "boom")
	}},

	{"BadRequests", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{MaxHeaderBytes: 1024})
		cases := []struct {
			req    string
			status int
			text   string
		}{
			{"GARBAGE\r\n\r\n", 400, "400 Bad Request"},
			{"GET / HTTP/1.1\r\n\r\n", 400, "missing required Host header"},
			{"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8000) + "\r\n\r\n", 431, "431 Request Header Fields Too Large"},
			{"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "Unsupported transfer encoding"},
			{"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "unsupported protocol version"},
			{"GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n", 400, "400 Bad Request"},
			{"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "malformed Host header"},
		}
		for _, c := range cases {
			conn, br := rawConn(t, r)
			io.WriteString(conn, c.req)
			resp, body := readResponse(t, br, "GET")
			assert.Equal(t, c.status, resp.StatusCode, "%q", c.req)
			assert.True(t, resp.Close, "%q", c.req)
			assert.Contains(t, body, c.text, "%q", c.req)
		}
	}},

	{"Pipelining", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, r.URL.Path)
		}), opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		for _, want := range []string{"/1", "/2", "/3"} {
			_, body := readResponse(t, br, "GET")
			assert.Equal(t, want, body)
		}
		_, err := br.ReadByte()
		assert.ErrorIs(t, err, io.EOF)
	}},

	{"HTTP10", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		resp, body := readResponse(t, br, "GET")
		assert.Equal(t, "HTTP/1.0", resp.Proto)
		assert.Equal(t, "hello", body)
		assert.Equal(t, "keep-alive", resp.Header.Get("Connection"))
		io.WriteString(c, "GET / HTTP/1.0\r\n\r\n") // without keep-alive: closed after
		resp, body = readResponse(t, br, "GET")
		assert.Equal(t, "hello", body)
		assert.True(t, resp.Close)
		_, err := br.ReadByte()
		assert.ErrorIs(t, err, io.EOF)
	}},

	{"Informational103", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			io.WriteString(w, "page")
		}), opts{})
		var got []int
		var link string
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			got = append(got, code)
			link = h.Get("Link")
			return nil
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(testCtx(t), trace), "GET", r.url, nil)
		resp, err := client(t).Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, []int{103}, got)
		assert.Equal(t, "</style.css>; rel=preload", link)
		assert.Equal(t, "page", string(body))
	}},

	{"UnreadBody", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(hello, opts{}) // never reads the body
		cl := client(t)
		for _, c := range []struct {
			size     int
			keptOpen bool
		}{{10 << 10, true}, {1 << 20, false}} {
			resp, err := cl.Post(r.url, "application/octet-stream", bytes.NewReader(make([]byte, c.size)))
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "hello", string(body))
			assert.Equal(t, !c.keptOpen, resp.Close, "body of %d", c.size)
		}
	}},

	{"ContentLengthMismatch", func(t *testing.T, start func(http.Handler, opts) *running) {
		errs := make(chan error, 1)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10")
			if r.URL.Path == "/long" {
				_, err := io.WriteString(w, "0123456789+")
				errs <- err
				return
			}
			io.WriteString(w, "short") // the connection cannot be kept
		}), opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET /long HTTP/1.1\r\nHost: x\r\n\r\n")
		err, _ := recv(testCtx(t), errs)
		assert.ErrorIs(t, err, http.ErrContentLength)
		c.Close()
		c, br = rawConn(t, r)
		io.WriteString(c, "GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, err = io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "5 of 10 bytes, then the close")
	}},

	{"NoBodyAllowed", func(t *testing.T, start func(http.Handler, opts) *running) {
		errs := make(chan error, 1)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			_, err := io.WriteString(w, "x")
			errs <- err
		}), opts{})
		resp, err := client(t).Get(r.url)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 204, resp.StatusCode)
		err, _ = recv(testCtx(t), errs)
		assert.ErrorIs(t, err, http.ErrBodyNotAllowed)
	}},

	{"FlushStreams", func(t *testing.T, start func(http.Handler, opts) *running) {
		sawFirst := make(chan struct{})
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			io.WriteString(w, "first\n")
			if err := rc.Flush(); err != nil {
				return
			}
			recv(testCtx(t), sawFirst) // the client has it before the handler goes on
			io.WriteString(w, "second\n")
		}), opts{})
		resp, err := client(t).Get(r.url)
		require.NoError(t, err)
		defer resp.Body.Close()
		buf := make([]byte, 6)
		_, err = io.ReadFull(resp.Body, buf)
		require.NoError(t, err)
		assert.Equal(t, "first\n", string(buf))
		close(sawFirst)
		rest, _ := io.ReadAll(resp.Body)
		assert.Equal(t, "second\n", string(rest))
	}},

	{"ResponseController", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			errs := []error{
				rc.SetReadDeadline(time.Now().Add(time.Minute)),
				rc.SetWriteDeadline(time.Now().Add(time.Minute)),
				rc.EnableFullDuplex(),
			}
			b, _ := io.ReadAll(r.Body) // full duplex: after the header is out
			fmt.Fprintf(w, "%v %d", errs, len(b))
		}), opts{})
		resp, err := client(t).Post(r.url, "text/plain", strings.NewReader("abc"))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "[<nil> <nil> <nil>] 3", string(body))
	}},

	{"OptionsStar", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.NotFoundHandler(), opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, _ := readResponse(t, br, "OPTIONS")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, int64(0), resp.ContentLength)
	}},

	{"LargeBodies", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, r.Body) // streams: header and body out as the body comes in
		}), opts{})
		payload := make([]byte, 4<<20)
		rand.Read(payload)
		resp, err := client(t).Post(r.url, "application/octet-stream", bytes.NewReader(payload))
		require.NoError(t, err)
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(payload, got), "echoed %d of %d bytes", len(got), len(payload))
	}},

	{"CloseNotify", func(t *testing.T, start func(http.Handler, opts) *running) {
		started := make(chan struct{})
		notified := make(chan bool, 1)
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ch := w.(http.CloseNotifier).CloseNotify() //nolint:staticcheck // still served by net/http
			close(started)
			v, _ := recv(testCtx(t), ch)
			notified <- v
		}), opts{})
		c, _ := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		<-started
		c.Close()
		v, ok := recv(testCtx(t), notified)
		assert.True(t, ok && v)
	}},

	{"StatusLineOfUnknownCode", func(t *testing.T, start func(http.Handler, opts) *running) {
		r := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(599) }), opts{})
		c, br := rawConn(t, r)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "HTTP/1.1 599 status code 599\r\n", line)
	}},
}
