package httpserver

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server"
	"github.com/greenshim/greenshim/iface"
)

// Server serves HTTP/1.1, each connection and its handlers in a greenlet of
// its own. Its fields are those of http.Server that HTTP/1.1 uses, with the
// same meaning, plus the greenlet ones (Socket, Hub, Pool).
//
// Set the fields before Serve and leave them alone afterwards. A Server
// serves once: after Shutdown or Close, Serve returns
// http.ErrServerClosed.
type Server struct {
	// Addr is what ListenAndServe listens on, "host:port"; empty means
	// ":http".
	Addr string

	// Handler handles the requests; nil means http.DefaultServeMux.
	Handler http.Handler

	// Socket is the module ListenAndServe listens through; nil means
	// green.Socket on the server's hub.
	Socket iface.Socket

	// Hub is the hub the server runs on when Serve is called from a plain
	// goroutine; nil means the default hub. Called from a greenlet, the
	// server runs on that greenlet's hub unless Hub is set.
	Hub *green.Hub

	// Pool, if not nil, bounds the connections served at once (each is a
	// greenlet): while it is full, new connections wait in the listener's
	// backlog. See server.StreamServer.
	Pool *green.Pool

	// DisableGeneralOptionsHandler, ReadTimeout, ReadHeaderTimeout,
	// WriteTimeout, IdleTimeout, MaxHeaderBytes, ConnState, ErrorLog,
	// BaseContext and ConnContext are http.Server's. Timeouts are on the
	// wall clock, as conn deadlines are.
	DisableGeneralOptionsHandler bool
	ReadTimeout                  time.Duration
	ReadHeaderTimeout            time.Duration
	WriteTimeout                 time.Duration
	IdleTimeout                  time.Duration
	MaxHeaderBytes               int
	ConnState                    func(net.Conn, http.ConnState)
	ErrorLog                     *log.Logger
	BaseContext                  func(net.Listener) context.Context
	ConnContext                  func(ctx context.Context, c net.Conn) context.Context

	// TLSConfig is what ServeTLS and ListenAndServeTLS start from, as
	// http.Server's; nil means the zero config.
	TLSConfig *tls.Config

	initOnce   sync.Once
	running    atomic.Pointer[green.Hub] // the hub, once Serve has set the server up
	inShutdown atomic.Bool
	noKeep     atomic.Bool // SetKeepAlivesEnabled(false)

	mu         sync.Mutex // guards onShutdown, listeners; Serve adds under it only while not shutting down
	onShutdown []func()
	listeners  []*listener

	// Hub-only.
	conns    map[*conn]struct{}
	changed  green.Event // a conn went idle or away while shutting down
	dateSec  int64
	dateText []byte
}

// ServerContextKey is a context key: the request contexts of a Server
// hold the *Server under it, as net/http's hold their *http.Server under
// http.ServerContextKey. http.LocalAddrContextKey holds the local address.
var ServerContextKey = &contextKey{"httpserver"}

type contextKey struct{ name string }

func (k *contextKey) String() string { return "httpserver context value " + k.name }

// ListenAndServe listens on Addr through Socket and serves, as Serve.
func (s *Server) ListenAndServe() error {
	if s.inShutdown.Load() {
		return http.ErrServerClosed
	}
	addr := s.Addr
	if addr == "" {
		addr = ":http"
	}
	h := s.hub()
	ln, err := s.listen(h, addr)
	if err != nil {
		return err
	}
	return s.serve(h, ln)
}

// listen listens on addr through Socket, on h.
func (s *Server) listen(h *green.Hub, addr string) (net.Listener, error) {
	var ln net.Listener
	err := onHub(h, func() error {
		sock := s.Socket
		if sock == nil {
			sock = green.Socket{Hub: h}
		}
		var err error
		ln, err = sock.Listen("tcp", addr)
		return err
	})
	return ln, err
}

// Serve accepts connections on ln and serves each in a greenlet of its
// own, until Shutdown or Close; it then returns http.ErrServerClosed, or
// ln's error if ln fails for good. ln should be a listener of a
// cooperative socket module (see server.StreamServer.Start). Serve may be
// called again on other listeners, as http.Server's, all on the hub of the
// first (a Serve on another hub fails). If the greenlet calling Serve is
// killed, that listener's server is stopped: its connections get a second
// to end, then are killed.
func (s *Server) Serve(ln net.Listener) error { return s.serve(s.hub(), ln) }

func (s *Server) serve(h *green.Hub, ln net.Listener) error {
	if err := s.init(h); err != nil {
		ln.Close()
		return err
	}
	base := context.Background()
	if s.BaseContext != nil {
		base = s.BaseContext(ln)
		if base == nil {
			panic("httpserver: BaseContext returned a nil context")
		}
	}
	l := &listener{baseCtx: context.WithValue(base, ServerContextKey, s)}
	l.stream = server.StreamServer{
		Handler:  func(c net.Conn) { s.serveConn(l, c) },
		Pool:     s.Pool,
		Hub:      h,
		ErrorLog: s.ErrorLog,
	}
	s.mu.Lock()
	if s.inShutdown.Load() {
		s.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	err := l.stream.Serve(ln)
	if errors.Is(err, server.ErrClosed) {
		return http.ErrServerClosed
	}
	return err
}

// listener is one Serve's: its StreamServer and base context.
type listener struct {
	stream  server.StreamServer
	baseCtx context.Context
}

// init binds the server to h on its first Serve; a later Serve must be
// on the same hub.
func (s *Server) init(h *green.Hub) error {
	s.initOnce.Do(func() {
		onHub(h, func() error {
			s.conns = make(map[*conn]struct{})
			s.changed.Bind(h)
			return nil
		})
		s.running.Store(h)
	})
	if r := s.running.Load(); r != h {
		return errors.New("httpserver: Serve on another hub than the server's first Serve")
	}
	return nil
}

// closeListeners closes every listener, and returns the first error.
func (s *Server) closeListeners() error {
	s.mu.Lock()
	ls := slices.Clone(s.listeners)
	s.mu.Unlock()
	var err error
	for _, l := range ls {
		if cerr := l.stream.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// hub returns the hub Serve called now runs on.
func (s *Server) hub() *green.Hub {
	if s.Hub != nil {
		return s.Hub
	}
	if g := green.Current(); g != nil {
		return g.Hub()
	}
	return green.Default()
}

// Shutdown shuts the server down gracefully, as http.Server's: it closes
// the listener, then the idle connections, and waits until every other
// connection has finished its request and closed, or until ctx is done:
// then it returns ctx's error, and the connections go on (Close ends
// them). It starts the functions given to RegisterOnShutdown, each in a
// greenlet of its own. Hijacked connections are neither closed nor
// waited for.
//
// Unlike http.Server's, which polls, the wait is woken by each connection
// that goes idle or away. A connection that has not sent its first
// request within five seconds of its accept counts as idle, as in net/http.
// A handler may call Shutdown: its own connection is not waited for (with
// net/http's the call would wait for itself), and closes once its request
// is answered.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.inShutdown.Store(true)
	s.mu.Unlock()
	err := s.closeListeners()
	h := s.running.Load()
	if h == nil {
		return err
	}
	werr := onHub(h, func() error {
		s.mu.Lock()
		fs := append([]func(){}, s.onShutdown...)
		s.mu.Unlock()
		for _, f := range fs {
			green.Spawn(func() error { f(); return nil }).SetName("RegisterOnShutdown")
		}
		return green.WithContext(ctx, s.awaitQuiet)
	})
	if werr != nil {
		return werr
	}
	return err
}

// staleNew is how long a connection may stay new (no request read yet)
// before Shutdown takes it for idle, as net/http does.
const staleNew = 5 * time.Second

// awaitQuiet closes idle connections until none is left but the caller's
// own, if a handler called Shutdown: that one closes after its request.
// Hub context.
func (s *Server) awaitQuiet() error {
	self := green.Current()
	for {
		s.changed.Clear()
		next := s.closeIdle()
		left := len(s.conns)
		for c := range s.conns {
			if c.g == self {
				left--
			}
		}
		if left == 0 {
			return nil
		}
		var err error
		if next > 0 {
			err = s.changed.WaitTimeout(next)
		} else {
			err = s.changed.Wait()
		}
		if err != nil && !errors.Is(err, green.ErrTimeout) {
			return err
		}
	}
}

// closeIdle closes the idle connections (and new ones gone stale) and
// returns how long until the next new one goes stale (0: none is new).
// Hub context.
func (s *Server) closeIdle() time.Duration {
	var next time.Duration
	for c := range s.conns {
		st := c.state
		if st == http.StateNew {
			if age := c.now().Sub(c.since); age >= staleNew {
				st = http.StateIdle
			} else if left := staleNew - age; next == 0 || left < next {
				next = left
			}
		}
		if st == http.StateIdle {
			c.rwc.Close()
			delete(s.conns, c)
		}
	}
	return next
}

// Close closes the listener and every connection at once (but hijacked
// ones), as http.Server's Close; their handlers run on until they return,
// their reads and writes failing.
func (s *Server) Close() error {
	s.mu.Lock()
	s.inShutdown.Store(true)
	s.mu.Unlock()
	err := s.closeListeners()
	if h := s.running.Load(); h != nil {
		onHub(h, func() error {
			for c := range s.conns {
				c.rwc.Close()
				delete(s.conns, c)
			}
			s.changed.Set()
			return nil
		})
	}
	return err
}

// RegisterOnShutdown registers f to be started by Shutdown, as
// http.Server's.
func (s *Server) RegisterOnShutdown(f func()) {
	s.mu.Lock()
	s.onShutdown = append(s.onShutdown, f)
	s.mu.Unlock()
}

// SetKeepAlivesEnabled controls whether connections are kept alive between
// requests (they are by default), as http.Server's; disabling closes the
// idle ones.
func (s *Server) SetKeepAlivesEnabled(v bool) {
	s.noKeep.Store(!v)
	if v {
		return
	}
	if h := s.running.Load(); h != nil {
		onHub(h, func() error {
			s.closeIdleNow()
			return nil
		})
	}
}

// closeIdleNow closes the idle connections. Hub context.
func (s *Server) closeIdleNow() {
	for c := range s.conns {
		if c.state == http.StateIdle {
			c.rwc.Close()
			delete(s.conns, c)
		}
	}
}

func (s *Server) doKeepAlives() bool { return !s.noKeep.Load() && !s.inShutdown.Load() }

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// onHub runs f in a greenlet of h, at once if the caller is one, else in
// a new one the caller waits for (blocking only itself).
func onHub(h *green.Hub, f func() error) error {
	if g := green.Current(); g != nil && g.Hub() == h {
		return f()
	}
	return h.Spawn(f).Join()
}

// date returns the Date header's value for now, formatted once a second.
// Hub context.
func (s *Server) date(now time.Time) []byte {
	if sec := now.Unix(); sec != s.dateSec || s.dateText == nil {
		s.dateSec = sec
		s.dateText = now.UTC().AppendFormat(s.dateText[:0], http.TimeFormat)
	}
	return s.dateText
}
