package httpserver_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
)

// serve starts srv on a new hub of the test's and returns its URL.
func serve(t *testing.T, srv *httpserver.Server) (*green.Hub, string) {
	t.Helper()
	h := green.New(green.Options{Name: t.Name()})
	t.Cleanup(h.Close)
	srv.Hub = h
	if srv.ErrorLog == nil {
		srv.ErrorLog = log.New(io.Discard, "", 0)
	}
	ln, err := green.Socket{Hub: h}.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
	return h, "http://" + ln.Addr().String()
}

func get(t *testing.T, cl *http.Client, url string) string {
	t.Helper()
	resp, err := cl.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// Each connection is a greenlet of the server's hub, which also runs the
// handlers of its requests, and many handlers wait at once.
func TestServer_HandlersRunInGreenlets(t *testing.T) {
	const conns = 20
	var all green.Event
	arrived := 0
	greenlets := map[string]*green.Greenlet{} // by client
	var h *green.Hub
	srv := &httpserver.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g := green.Current()
		if g == nil || g.Hub() != h {
			http.Error(w, "not a greenlet of the server's hub", 500)
			return
		}
		who := r.URL.Query().Get("client")
		if prev, ok := greenlets[who]; ok && prev != g {
			http.Error(w, "a connection moved greenlet", 500)
			return
		}
		greenlets[who] = g // hub-only state: no lock
		if r.URL.Path == "/gather" {
			if arrived++; arrived == conns {
				all.Set()
			}
			if err := all.WaitTimeout(10 * time.Second); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		io.WriteString(w, "ok")
	})}
	h, url := serve(t, srv)
	var wg sync.WaitGroup
	errs := make(chan string, 2*conns)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := client(t)
			for _, path := range []string{"/gather", "/again"} { // one connection, kept
				resp, err := cl.Get(fmt.Sprintf("%s%s?client=%d", url, path, i))
				if err != nil {
					errs <- err.Error()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				errs <- string(b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		assert.Equal(t, "ok", e)
	}
	seen := map[*green.Greenlet]bool{}
	for _, g := range greenlets {
		seen[g] = true
	}
	assert.Len(t, seen, conns, "a greenlet per connection")
}

// watches counts the greenlets watching connections on h.
func watches(h *green.Hub) int {
	n := 0
	for _, gi := range h.Info() {
		if gi.Name == "httpserver watch" {
			n++
		}
	}
	return n
}

// A handler that never asks its context whether it is done costs no
// watch; one that asks gets one, which ends with the request.
func TestServer_WatchOnlyWhenAsked(t *testing.T) {
	var h *green.Hub
	seen := map[string]int{}
	srv := &httpserver.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ask":
			_ = r.Context().Done()
		case "/derive":
			ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
			defer cancel()
			_ = ctx
		case "/body": // asks before the body is read: the watch waits for its end
			_ = r.Context().Done()
			seen["/body before read"] = watches(h)
			io.ReadAll(r.Body)
		}
		green.Yield() // a watch spawned above has started
		seen[r.URL.Path] = watches(h)
	})}
	h, url := serve(t, srv)
	cl := client(t)
	for _, p := range []string{"/quiet", "/ask", "/derive"} {
		get(t, cl, url+p)
	}
	resp, err := cl.Post(url+"/body", "text/plain", strings.NewReader("some body"))
	require.NoError(t, err)
	resp.Body.Close()
	// On the same connection, so after the previous request's end: the
	// watches of the others are gone.
	get(t, cl, url+"/last")
	assert.Equal(t, map[string]int{"/quiet": 0, "/ask": 1, "/derive": 1, "/body before read": 0, "/body": 1, "/last": 0}, seen)
}

// Pool bounds the connections served at once.
func TestServer_PoolBoundsConnections(t *testing.T) {
	const size, clients = 2, 6
	served, most := 0, 0
	srv := &httpserver.Server{Pool: green.NewPool(size), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), ConnState: func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			served++
			most = max(most, served)
		case http.StateClosed:
			served--
		}
	}}
	_, url := serve(t, srv)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url)
			if assert.NoError(t, err) {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, most, size)
	assert.Positive(t, most)
}

func TestServer_LifecycleFromAGreenlet(t *testing.T) {
	h := green.New(green.Options{Name: t.Name()})
	defer h.Close()
	var shutdownRan green.Event
	srv := &httpserver.Server{Addr: "127.0.0.1:0", Handler: hello, ErrorLog: log.New(io.Discard, "", 0)}
	srv.RegisterOnShutdown(func() { shutdownRan.Set() })
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		serving := green.Spawn(func() error { return srv.Serve(ln) })
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		buf := make([]byte, 512)
		n, err := c.Read(buf)
		require.NoError(t, err)
		assert.Contains(t, string(buf[:n]), "hello")
		require.NoError(t, srv.Shutdown(context.Background())) // the idle conn closes
		assert.ErrorIs(t, serving.Join(), http.ErrServerClosed)
		require.NoError(t, shutdownRan.WaitTimeout(time.Second), "RegisterOnShutdown's function ran")
		assert.ErrorIs(t, srv.Serve(ln), http.ErrServerClosed, "a server serves once")
		assert.ErrorIs(t, srv.ListenAndServe(), http.ErrServerClosed)
		return nil
	}))
}

// run runs fn as the main greenlet of h, bounded by ten seconds.
func run(t *testing.T, h *green.Hub, fn func() error) error {
	t.Helper()
	return h.Run(func() error { return green.WithContext(testCtx(t), fn) })
}

func TestServer_ListenAndServe(t *testing.T) {
	h := green.New(green.Options{Name: t.Name()})
	defer h.Close()
	// Take a free port, then serve on it.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := probe.Addr().String()
	probe.Close()
	srv := &httpserver.Server{Addr: addr, Hub: h, Handler: hello}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	cl := client(t)
	var body string
	for range 100 { // until it listens
		resp, err := cl.Get("http://" + addr)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	assert.Equal(t, "hello", body)
	require.NoError(t, srv.Shutdown(testCtx(t)))
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
}

func TestServer_SetKeepAlivesEnabled(t *testing.T) {
	srv := &httpserver.Server{Handler: hello}
	_, url := serve(t, srv)
	cl := client(t)
	resp, err := cl.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	assert.False(t, resp.Close)
	srv.SetKeepAlivesEnabled(false)
	resp, err = cl.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	assert.True(t, resp.Close, "Connection: close once keep-alives are off")
}

// The request context holds the server, and ends when the server's base
// context does.
func TestServer_Contexts(t *testing.T) {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	type key struct{}
	type connKey struct{}
	var srv *httpserver.Server
	results := make(chan string, 1)
	srv = &httpserver.Server{
		BaseContext: func(net.Listener) context.Context { return context.WithValue(base, key{}, "base") },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, "conn")
		},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			own := ctx.Value(httpserver.ServerContextKey) == srv
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			cancel() // the base context ends: so does the request's
			_, ok := recv(testCtx(t), ctx.Done())
			results <- fmt.Sprintln(own, ctx.Value(key{}), ctx.Value(connKey{}), ok, ctx.Err())
		}),
	}
	_, url := serve(t, srv)
	resp, err := client(t).Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	got, ok := recv(testCtx(t), results)
	require.True(t, ok)
	assert.Equal(t, "true base conn true context canceled\n", got)
}

// When the greenlet serving is killed, the server stops: its connections
// are killed after a grace, and a kill is no panic for the error log.
func TestServer_KilledServeStops(t *testing.T) {
	h := green.New(green.Options{Name: t.Name()})
	defer h.Close()
	var lb logBuf
	var inHandler green.Event
	unwound := false
	srv := &httpserver.Server{ErrorLog: log.New(&lb, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { unwound = true }()
		inHandler.Set()
		green.Sleep(time.Hour)
	})}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		serving := green.Spawn(func() error { return srv.Serve(ln) })
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, inHandler.Wait())
		serving.Kill()
		assert.True(t, unwound)
		got, err := io.ReadAll(c)
		assert.NoError(t, err)
		assert.Empty(t, got, "the connection closed without a response")
		return nil
	}))
	assert.NotContains(t, lb.String(), "panic")
}

// One server serves several listeners, as http.Server does; Shutdown
// closes them all. A Serve on another hub is refused.
func TestServer_SeveralListeners(t *testing.T) {
	h := green.New(green.Options{Name: t.Name()})
	defer h.Close()
	srv := &httpserver.Server{Hub: h, Handler: hello}
	var urls []string
	served := make(chan error, 2)
	for range 2 {
		ln, err := green.Socket{Hub: h}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		urls = append(urls, "http://"+ln.Addr().String())
		go func() { served <- srv.Serve(ln) }()
	}
	cl := client(t)
	for _, u := range urls {
		var body string
		for range 100 { // until that Serve has started
			resp, err := cl.Get(u)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body = string(b)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		assert.Equal(t, "hello", body)
	}

	other := green.New(green.Options{Name: t.Name() + "/other"})
	defer other.Close()
	ln, err := green.Socket{Hub: other}.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv.Hub = other
	assert.ErrorContains(t, srv.Serve(ln), "httpserver: Serve on another hub than the server's first Serve")

	require.NoError(t, srv.Shutdown(testCtx(t)))
	for range 2 {
		err, ok := recv(testCtx(t), served)
		require.True(t, ok)
		assert.ErrorIs(t, err, http.ErrServerClosed)
	}
}

// A handler may shut its own server down: Shutdown waits for the other
// connections, not for the caller's, which closes after its answer.
func TestServer_ShutdownFromAHandler(t *testing.T) {
	var srv *httpserver.Server
	var slowIn green.Event
	slowDone := false
	srv = &httpserver.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			slowIn.Set()
			green.Sleep(50 * time.Millisecond)
			io.WriteString(w, "slow done")
			slowDone = true
		case "/quit":
			if err := slowIn.WaitTimeout(5 * time.Second); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			err := srv.Shutdown(testCtx(t)) // returns once /slow is answered
			fmt.Fprintf(w, "shutdown: %v, slow done: %v", err, slowDone)
		}
	})}
	_, url := serve(t, srv)
	slow := make(chan string, 1)
	go func() {
		resp, err := client(t).Get(url + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- string(b)
	}()
	resp, err := client(t).Get(url + "/quit")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "shutdown: <nil>, slow done: true", string(b))
	assert.True(t, resp.Close, "the caller's connection closes after its answer")
	got, ok := recv(testCtx(t), slow)
	require.True(t, ok)
	assert.Equal(t, "slow done", got)
}

// The operating system's sockets take deadlines on the wall clock, whatever
// the hub's clock: a server on a virtual-clock hub serving real sockets
// with timeouts serves (its deadlines are not computed in virtual time,
// which would put them years in the past), and its Date is the wall
// clock's.
func TestServer_VirtualHubRealSocketsWallClock(t *testing.T) {
	hub := green.New(green.Options{Name: t.Name(), Clock: green.NewVirtualClock(time.Time{})})
	t.Cleanup(hub.Close)
	ln, err := green.Socket{Hub: hub}.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &httpserver.Server{
		Hub:               hub,
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ReadTimeout:       5 * time.Second,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      5 * time.Second,
		IdleTimeout:       5 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after Close")
		}
	}()
	for range 2 { // a second request on the kept-alive conn: the idle timeout
		resp, err := client(t).Get("http://" + ln.Addr().String() + "/")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, "ok", string(body))
		date, err := http.ParseTime(resp.Header.Get("Date"))
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), date, time.Minute, "Date is the wall clock's")
	}
}
