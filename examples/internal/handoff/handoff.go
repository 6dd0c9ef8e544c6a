// Package handoff is the body of the example command handoff
// (examples/handoff), kept importable so that the tour can run it too. See
// that command.
package handoff

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	_ "github.com/proullon/ramsql/driver" // a pure-Go database/sql driver
	"github.com/redis/go-redis/v9"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Config sizes the run.
type Config struct {
	Workers int           // greenlets (or goroutines) at once
	Delay   time.Duration // the HTTP server's time per page; a transaction's cooperative pause
	Modes   []string      // of "greenlets", "goroutines", "native"; nil means all
}

// Result is what one case measured in one mode.
type Result struct {
	Case, Mode string
	Wall       time.Duration
	Detaches   uint64
	Sites      []green.Handoff  // hand-off reports, one per call site
	Held       []green.HeldSite // where the hub was held, by call site
}

// Cases lists the cases, each a real library used straight from greenlets.
var Cases = []string{"sql", "redis", "http"}

// Run patches the socket module and runs each case in each mode, printing a
// line of key=value figures per run and the call sites the hand-off saw.
func Run(w io.Writer, cfg Config) ([]Result, error) {
	if cfg.Workers < 1 || cfg.Delay <= 0 {
		return nil, fmt.Errorf("-workers %d -delay %v: want at least one worker and a positive delay", cfg.Workers, cfg.Delay)
	}
	modes := cfg.Modes
	if modes == nil {
		modes = []string{"greenlets", "goroutines", "native"}
	}
	for _, m := range modes {
		if !slices.Contains([]string{"greenlets", "goroutines", "native"}, m) {
			return nil, fmt.Errorf("-modes: unknown mode %q; want greenlets, goroutines or native", m)
		}
	}
	if _, err := patch.PatchAll(patch.Options{NoOS: true, NoDNS: true}); err != nil {
		return nil, err
	}
	defer patch.Restore()

	var out []Result
	for _, c := range Cases {
		for _, m := range modes {
			r, err := runCase(c, m, cfg)
			if err != nil {
				return out, fmt.Errorf("%s/%s: %w", c, m, err)
			}
			fmt.Fprintf(w, "handoff case=%s mode=%s workers=%d wall_s=%.3f detaches=%d\n", c, m, cfg.Workers, r.Wall.Seconds(), r.Detaches)
			for _, s := range r.Held {
				fmt.Fprintf(w, "  held: %s in %s, called from %s: %d detaches, %v held before them\n",
					s.Frame, s.Wait, s.Caller, s.Detaches, s.Held.Round(time.Microsecond))
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// job is one worker's work in a case: it is called from a greenlet, a
// goroutine, or (mode native) a native region of a greenlet.
type job func(ctx context.Context, i int) error

// bench is a case set up: its job, a check of the results once every job
// has run, and a cleanup.
type bench struct {
	do      job
	check   func() error
	cleanup func()
}

// setup starts a case's server.
func setup(c string, cfg Config) (*bench, error) {
	switch c {
	case "sql":
		return setupSQL(cfg)
	case "redis":
		return setupRedis(cfg)
	case "http":
		return setupHTTP(cfg)
	}
	return nil, fmt.Errorf("unknown case %q", c)
}

func runCase(c, mode string, cfg Config) (Result, error) {
	b, err := setup(c, cfg)
	if err != nil {
		return Result{}, err
	}
	defer b.cleanup()
	r, err := runMode(b.do, mode, cfg)
	if err != nil {
		return r, err
	}
	r.Case = c
	return r, b.check()
}

// runMode runs do for every worker, in mode.
func runMode(do job, mode string, cfg Config) (Result, error) {
	r := Result{Mode: mode}
	ctx := context.Background()
	start := time.Now()
	if mode == "goroutines" {
		errs := make([]error, cfg.Workers)
		var wg sync.WaitGroup
		for i := range cfg.Workers {
			wg.Go(func() { errs[i] = do(ctx, i) })
		}
		wg.Wait()
		r.Wall = time.Since(start)
		return r, firstErr(errs)
	}
	var mu sync.Mutex // guards r.Sites: reports come on the monitor's goroutine
	h := green.New(green.Options{OnHandoff: func(s green.Handoff) {
		mu.Lock()
		r.Sites = append(r.Sites, s)
		mu.Unlock()
	}})
	defer h.Close()
	errs := make([]error, cfg.Workers)
	err := h.Run(func() error {
		var g green.Group
		g.Bind(h)
		for i := range cfg.Workers {
			g.Spawn(func() error {
				if mode == "native" {
					errs[i] = green.Native(func() error { return do(ctx, i) })
				} else {
					errs[i] = do(ctx, i) // straight from the greenlet
				}
				return nil
			})
		}
		return g.Join()
	})
	r.Wall = time.Since(start)
	r.Detaches = h.Stats().Detaches
	r.Held = h.HeldSites()
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		return r, err
	}
	return r, firstErr(errs)
}

// firstErr returns the first non-nil error, with its worker.
func firstErr(errs []error) error {
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("worker %d: %w", i, err)
		}
	}
	return nil
}

// setupSQL: database/sql over ramsql, a pure-Go driver, with a pool of a
// fifth as many connections as workers. Each worker holds a connection
// across a cooperative pause (a transaction that waits), so the others wait
// in database/sql's pool: natively, on a Go channel.
func setupSQL(cfg Config) (*bench, error) {
	db, err := sql.Open("ramsql", fmt.Sprintf("handoff-%d", time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(max(cfg.Workers/5, 1))
	if _, err := db.Exec(`CREATE TABLE visit (id INT PRIMARY KEY, who TEXT)`); err != nil {
		db.Close()
		return nil, err
	}
	do := func(ctx context.Context, i int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit (id, who) VALUES ($1, $2)`, i, fmt.Sprint("worker ", i)); err != nil {
			tx.Rollback()
			return err
		}
		pause(cfg.Delay / 10)
		return tx.Commit()
	}
	check := func() error {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM visit`).Scan(&n); err != nil {
			return err
		}
		if n != cfg.Workers {
			return fmt.Errorf("%d rows, want %d", n, cfg.Workers)
		}
		return nil
	}
	return &bench{do, check, func() { db.Close() }}, nil
}

// setupRedis: go-redis against miniredis, an in-process Redis server, with
// the client's default pool (10 per CPU) below the number of workers and
// its conns dialed through the patched socket module.
func setupRedis(cfg Config) (*bench, error) {
	mr, err := miniredis.Run()
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(&redis.Options{
		Addr: mr.Addr(),
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return registry.Socket().DialContext(ctx, network, addr)
		},
	})
	do := func(ctx context.Context, i int) error {
		key := fmt.Sprint("worker:", i)
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			return err
		}
		if v, err := rdb.Get(ctx, key).Int(); err != nil || v != i {
			return fmt.Errorf("GET %s = %d, %v; want %d", key, v, err, i)
		}
		return rdb.Incr(ctx, "visits").Err()
	}
	check := func() error {
		if v, err := mr.Get("visits"); err != nil || v != fmt.Sprint(cfg.Workers) {
			return fmt.Errorf("visits = %q, %v; want %d", v, err, cfg.Workers)
		}
		return nil
	}
	return &bench{do, check, func() { rdb.Close(); mr.Close() }}, nil
}

// setupHTTP: net/http's client against a server whose pages take
// cfg.Delay, dialing through the patched socket module.
func setupHTTP(cfg Config) (*bench, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(cfg.Delay)
		fmt.Fprintf(w, "page %s\n", r.URL.Path)
	}))
	tr := &http.Transport{DialContext: registry.Socket().DialContext, MaxIdleConnsPerHost: cfg.Workers}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	do := func(ctx context.Context, i int) error {
		resp, err := client.Get(fmt.Sprintf("%s/%d", srv.URL, i))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if want := fmt.Sprintf("page /%d\n", i); resp.StatusCode != 200 || string(body) != want {
			return fmt.Errorf("page %d: %s %q", i, resp.Status, body)
		}
		return nil
	}
	return &bench{do, func() error { return nil }, func() { tr.CloseIdleConnections(); srv.Close() }}, nil
}

// pause waits d cooperatively in a greenlet (and plainly elsewhere).
func pause(d time.Duration) { registry.Time().Sleep(d) }
