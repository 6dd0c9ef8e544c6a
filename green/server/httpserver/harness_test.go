package httpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that no goroutine outlives the tests; patch.TestingM
// takes the -greenshim flag and closes the default hub at the end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m),
		// The clients' idle connections close when the Transports are
		// closed; some of net/http's readers finish just after.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}

// opts are the server settings a case needs, applied alike to both
// servers.
type opts struct {
	ReadTimeout, ReadHeaderTimeout, WriteTimeout, IdleTimeout time.Duration
	MaxHeaderBytes                                            int
	ConnState                                                 func(net.Conn, http.ConnState)
}

// running is a server started for a case.
type running struct {
	addr     string // host:port
	url      string // http://host:port
	log      *logBuf
	shutdown func(context.Context) error
	close    func() error
	served   <-chan error // Serve's result
	hub      *green.Hub   // nil for net/http

	once   sync.Once
	result error
	ended  bool
}

// serveResult waits (within ten seconds) for Serve to return, and returns
// its error.
func (r *running) serveResult() (error, bool) {
	r.once.Do(func() {
		select {
		case r.result = <-r.served:
			r.ended = true
		case <-time.After(10 * time.Second):
		}
	})
	return r.result, r.ended
}

// target starts one kind of server.
type target struct {
	name  string
	start func(t testing.TB, h http.Handler, o opts) *running
}

// targets are the two servers every protocol case runs against: net/http's
// own, which says what the expected behaviour is, and this package's.
var targets = []target{
	{"net/http", startNetHTTP},
	{"green", startGreen},
}

func startNetHTTP(t testing.TB, h http.Handler, o opts) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	lb := &logBuf{}
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       o.ReadTimeout,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ConnState:         o.ConnState,
		ErrorLog:          log.New(lb, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	r := &running{addr: ln.Addr().String(), log: lb, shutdown: srv.Shutdown, close: srv.Close, served: served}
	r.url = "http://" + r.addr
	t.Cleanup(func() { r.stop(t) })
	return r
}

func startGreen(t testing.TB, h http.Handler, o opts) *running {
	t.Helper()
	hub := green.New(green.Options{Name: t.Name()})
	t.Cleanup(hub.Close)
	ln, err := green.Socket{Hub: hub}.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	lb := &logBuf{}
	srv := &httpserver.Server{
		Hub:               hub,
		Handler:           h,
		ReadTimeout:       o.ReadTimeout,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ConnState:         o.ConnState,
		ErrorLog:          log.New(lb, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	r := &running{addr: ln.Addr().String(), log: lb, shutdown: srv.Shutdown, close: srv.Close, served: served, hub: hub}
	r.url = "http://" + r.addr
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop closes the server and waits for Serve to return.
func (r *running) stop(t testing.TB) {
	r.close()
	if _, ok := r.serveResult(); !ok {
		t.Error("Serve did not return after Close")
	}
}

// logBuf is an ErrorLog's output.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// client returns an HTTP client whose connections are closed at the end of
// the test, and whose every request is bounded.
func client(t *testing.T) *http.Client {
	tr := &http.Transport{ExpectContinueTimeout: 5 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// testCtx is the test's bound on every wait.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recv receives from ch within the test's bound: cooperatively in a
// greenlet (net/http's handlers are goroutines, ours greenlets).
func recv[T any](ctx context.Context, ch <-chan T) (T, bool) {
	if green.Current() != nil {
		var v T
		err := green.WithContext(ctx, func() error {
			var err error
			v, _, err = green.Recv(ch)
			return err
		})
		return v, err == nil
	}
	select {
	case v := <-ch:
		return v, true
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}

// rawConn dials the server for a conversation by hand.
func rawConn(t *testing.T, r *running) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", r.addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

// readResponse reads one response to a request of method from br, with
// its body.
func readResponse(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	return resp, string(body)
}

// hello answers every request with "hello".
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })

func trimmed(s string) string { return strings.TrimSpace(s) }
