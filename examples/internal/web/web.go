// Package web is the body of the example command web (examples/web), kept
// importable so that the tour can run it too. See that command.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
)

// Config is what to run: the command line of examples/web.
type Config struct {
	Mode        string        // server, client or both
	Impl        string        // green, nethttp or hubhandler
	Addr        string        // to serve or to send to
	Requests    int           // the burst: requests sent in all
	Concurrency int           // how many at once
	Work        time.Duration // how long each request waits in its handler
}

// Impls are the servers there are to compare.
var Impls = []string{"green", "nethttp", "hubhandler"}

// Run checks cfg and runs it; the server of -mode server serves until ctx
// ends.
func Run(ctx context.Context, out io.Writer, cfg Config) error {
	switch cfg.Mode {
	case "server", "client", "both":
	default:
		return fmt.Errorf("-mode %q: want server, client or both", cfg.Mode)
	}
	if cfg.Mode != "server" && (cfg.Requests < 1 || cfg.Concurrency < 1) {
		return fmt.Errorf("-requests %d -concurrency %d: want at least 1 each", cfg.Requests, cfg.Concurrency)
	}
	if cfg.Work < 0 {
		return fmt.Errorf("-work %v: want a duration >= 0", cfg.Work)
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return fmt.Errorf("-addr %q: %v", cfg.Addr, err)
	}
	addr := cfg.Addr
	if cfg.Mode != "client" {
		srv, err := start(cfg.Impl, cfg.Addr)
		if err != nil {
			return err
		}
		addr = srv.addr
		if cfg.Mode == "server" {
			fmt.Fprintf(out, "web impl=%s serving on http://%s/ (/, /work?d=1ms)\n", cfg.Impl, addr)
			<-ctx.Done()
			return srv.stop()
		}
		defer srv.stop()
	}
	return burst(ctx, out, cfg, addr)
}

// running is a server started by start.
type running struct {
	addr string
	stop func() error
}

// start serves the example's pages on addr with impl.
func start(impl, addr string) (*running, error) {
	switch impl {
	case "green":
		return startGreen(addr)
	case "nethttp":
		return startNetHTTP(addr, pages(time.Sleep))
	case "hubhandler":
		return startHubHandler(addr)
	}
	return nil, fmt.Errorf("-impl %q: want green, nethttp or hubhandler", impl)
}

// pages is the example's site: "/" says hello, "/work?d=1ms" waits d
// (with sleep: cooperatively in a greenlet) before it answers, as a page
// that waits on a database would. "/" is the classic hello world of server
// benchmarks: one Write, no router, no header set (net/http sniffs the
// Content-Type), the same code for every server.
func pages(sleep func(time.Duration)) http.Handler {
	hello := []byte("Hello, World!")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Write(hello)
		case "/work":
			d, err := time.ParseDuration(r.URL.Query().Get("d"))
			if err != nil {
				http.Error(w, "d: "+err.Error(), http.StatusBadRequest)
				return
			}
			sleep(d)
			fmt.Fprintf(w, "worked %v\n", d)
		default:
			http.NotFound(w, r)
		}
	})
}

// startGreen serves with httpserver: each connection, and its handlers, in
// a greenlet of one hub.
func startGreen(addr string) (*running, error) {
	h := green.New(green.Options{Name: "web", MaxBlockingTime: -1})
	ln, err := green.Socket{Hub: h}.Listen("tcp", addr)
	if err != nil {
		h.Close()
		return nil, err
	}
	srv := &httpserver.Server{Hub: h, Handler: pages(green.Sleep)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	return &running{addr: ln.Addr().String(), stop: func() error {
		defer h.Close()
		return shutdown(srv.Shutdown, served)
	}}, nil
}

// startNetHTTP serves h with net/http's server: a goroutine per
// connection.
func startNetHTTP(addr string, h http.Handler) (*running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	return &running{addr: ln.Addr().String(), stop: func() error { return shutdown(srv.Shutdown, served) }}, nil
}

// shutdown shuts a server down, giving its requests five seconds, and
// returns what went wrong, Serve's error included.
func shutdown(f func(context.Context) error, served <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := f(ctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// startHubHandler is the other design the issue names, measured and not
// kept: net/http's server, its goroutines reading requests and writing
// responses, with each handler moved onto the hub, in a greenlet the
// connection's goroutine waits for. It pays two crossings between a
// goroutine and the hub per request; see the README for the figures.
func startHubHandler(addr string) (*running, error) {
	h := green.New(green.Options{Name: "web", MaxBlockingTime: -1})
	r, err := startNetHTTP(addr, onHub{h, pages(green.Sleep)})
	if err != nil {
		h.Close()
		return nil, err
	}
	stop := r.stop
	r.stop = func() error {
		defer h.Close()
		return stop()
	}
	return r, nil
}

// onHub runs a handler in a greenlet of h while net/http's goroutine
// waits for it (blocking only itself): one outside call into the hub per
// request, the cheapest crossing green offers.
type onHub struct {
	h    *green.Hub
	next http.Handler
}

func (o onHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.h.WithContext(r.Context(), func() error {
		o.next.ServeHTTP(w, r)
		return nil
	})
}

// burst sends cfg.Requests requests to addr, cfg.Concurrency at a time
// over kept-alive connections, with net/http's client, and prints the
// figures line.
func burst(ctx context.Context, out io.Writer, cfg Config, addr string) error {
	path := "/"
	if cfg.Work > 0 {
		path = "/work?d=" + cfg.Work.String()
	}
	url := "http://" + addr + path
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var mu sync.Mutex
	var first error
	failed := 0
	next := make(chan struct{}, cfg.Requests)
	for range cfg.Requests {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range min(cfg.Concurrency, cfg.Requests) {
		wg.Go(func() {
			for range next {
				err := get(ctx, cl, url)
				if err != nil {
					mu.Lock()
					failed++
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	if first != nil {
		return fmt.Errorf("%d of %d requests failed, the first with: %w", failed, cfg.Requests, first)
	}
	fmt.Fprintf(out, "web impl=%s requests=%d concurrency=%d work=%v wall_s=%.3f requests_per_s=%.0f\n",
		cfg.Impl, cfg.Requests, cfg.Concurrency, cfg.Work, wall.Seconds(), float64(cfg.Requests)/wall.Seconds())
	return nil
}

// get fetches url and checks the answer.
func get(ctx context.Context, cl *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	if want := resp.ContentLength; want >= 0 && int64(len(body)) != want {
		return fmt.Errorf("GET %s: %d bytes, want %s", url, len(body), strconv.FormatInt(want, 10))
	}
	return nil
}
