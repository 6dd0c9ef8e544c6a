// Command tour is the main demo: a guided run through every example, small
// enough to finish in well under a minute. Each stop says what it shows,
// then runs the example's own code.
//
//	go run ./examples/tour
//	go run ./examples/tour -only sleepy,db
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/greenshim/greenshim/examples/internal/crawler"
	"github.com/greenshim/greenshim/examples/internal/db"
	"github.com/greenshim/greenshim/examples/internal/echo"
	"github.com/greenshim/greenshim/examples/internal/handoff"
	"github.com/greenshim/greenshim/examples/internal/kv"
	"github.com/greenshim/greenshim/examples/internal/patchorder"
	"github.com/greenshim/greenshim/examples/internal/primitives"
	"github.com/greenshim/greenshim/examples/internal/procpool"
	"github.com/greenshim/greenshim/examples/internal/prodcons"
	"github.com/greenshim/greenshim/examples/internal/queueorder"
	"github.com/greenshim/greenshim/examples/internal/simnet"
	"github.com/greenshim/greenshim/examples/internal/sleepers"
	"github.com/greenshim/greenshim/examples/internal/sleepy"
	"github.com/greenshim/greenshim/examples/internal/threadpool"
	"github.com/greenshim/greenshim/examples/internal/wal"
	"github.com/greenshim/greenshim/examples/internal/web"
)

// stop is one stop of the tour.
type stop struct {
	name  string
	about string
	run   func(w io.Writer) error
}

var stops = []stop{
	{"patchorder", "patch.PatchAll swaps all four modules; a package that bound the socket module at init keeps the blocking one, and the report names it.",
		patchorder.Run},
	{"sleepy", "f1, f2, f3 sleep 4, 2, 3 units through registry.Time(): 9 units with the blocking module as gevent runs it; about 4 when the hand-off detaches each blocking sleep (reported once); exactly 4 once the cooperative module is patched in.",
		func(w io.Writer) error { return sleepy.Run(w, 100*time.Millisecond, "real") }},
	{"queueorder", "A Put wakes the waiting getter but does not switch to it (gevent's surprise, kept on purpose).",
		queueorder.Run},
	{"prodcons", "One producer, five consumers: a generator's waits add up, greenlets' overlap. Virtual time: exact and instant.",
		func(w io.Writer) error { return prodcons.Run(w, "virtual") }},
	{"primitives", "Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, a timer and the queue kinds, on virtual time.",
		primitives.Run},
	{"threadpool", "Ten blocking tasks on four pool workers: three rounds, while the hub keeps running.",
		func(w io.Writer) error { _, err := threadpool.Run(w, 200*time.Millisecond); return err }},
	{"sleepers", "100,000 greenlets sleep one second each, on virtual time (examples/sleepers does a million).",
		func(w io.Writer) error { return sleepers.Run(w, 100000, "virtual") }},
	{"db", "40 concurrent queries of 25 ms: a driver over the patched socket module; a native one that holds the hub with the hand-off off (the monitor reports it); the same native one with the hand-off on (each waiting greenlet is detached, and the queries overlap); and the native one in the thread pool.",
		func(w io.Writer) error { return db.Run(w, 40, 25*time.Millisecond) }},
	{"echo", "An echo server and 100 clients x 200 rounds in one process: goroutines on package net, then greenlets on one hub through green.Socket.",
		func(w io.Writer) error {
			for _, impl := range []string{"blocking", "green"} {
				cfg := echo.Config{Mode: "both", Impl: impl, Clients: 100, Rounds: 200, Addr: "127.0.0.1:0"}
				if err := echo.Run(context.Background(), w, cfg); err != nil {
					return err
				}
			}
			return nil
		}},
	{"web", "An HTTP/1.1 server whose handlers run in greenlets (package httpserver) serves a burst of 2000 requests, 50 at a time from net/http's client, each handler waiting 1 ms cooperatively; then net/http's own server, a goroutine per connection, for comparison.",
		func(w io.Writer) error {
			for _, impl := range []string{"green", "nethttp"} {
				cfg := web.Config{Mode: "both", Impl: impl, Addr: "127.0.0.1:0", Requests: 2000, Concurrency: 50, Work: time.Millisecond}
				if err := web.Run(context.Background(), w, cfg); err != nil {
					return err
				}
			}
			return nil
		}},
	{"crawler", "net/http client and server over the patched socket and dns modules: 20 slow pages fetched at once.",
		func(w io.Writer) error { _, err := crawler.Run(w, 20, 50*time.Millisecond); return err }},
	{"handoff", "database/sql, go-redis and net/http called straight from 20 greenlets: each wait inside the library is handed off, and reported once per call site; then the same from goroutines and through green.Native.",
		func(w io.Writer) error {
			_, err := handoff.Run(w, handoff.Config{Workers: 20, Delay: 20 * time.Millisecond})
			return err
		}},
	{"wal", "A write-ahead log on a simulated host whose disk keeps only what was synced: 50 seeds of random crashes (torn writes, lost directory entries) lose no acknowledged record; with a missing Sync planted, the first seed finds it.",
		func(w io.Writer) error {
			if f, _, _ := wal.Sweep(w, 1, 50, wal.NoBug); f != 0 {
				return fmt.Errorf("%d seeds lost acknowledged records", f)
			}
			if _, _, found := wal.Sweep(w, 1, 50, wal.SkipSync); !found {
				return fmt.Errorf("the missing Sync went unnoticed")
			}
			return nil
		}},
	{"procpool", "Python's multiprocessing Pool(5) with worker processes (this program again), driven from greenlets over cooperative pipes; a counter shared across processes through a queue and a lock; the same work on the ThreadPool and on greenlets.",
		func(w io.Writer) error {
			cfg := procpool.Config{Workers: 5, Tasks: 10, Scale: 300 * time.Millisecond, Count: 50, Seed: 1, Modes: procpool.Modes}
			_, err := procpool.Run(w, cfg)
			return err
		}},
	{"simnet", "A client and a server on two hosts of a simulated world (package green/sim), on its virtual clock: a partition at 1s times the client's reads out, its redial waits, the heal at 2.5s lets the held data and the next dial through; the same output on every run with -seed 1.",
		func(w io.Writer) error { return simnet.Scenario(w, 1) }},
	{"kv", "A Raft-replicated key-value store on three hosts of a simulated world, four clients and a nemesis (partitions, crashes, slow links), all drawn from one seed and checked for linearizability with porcupine: the sweep finds the planted stale read (a leader cut off by a partition goes on serving reads) and replays the seed bit for bit; without the bug, 10 seeds pass. examples/kv sweeps 1,000 and draws the failing run (-trace).",
		func(w io.Writer) error {
			if err := kv.Command(w, kv.Options{Seeds: 100, Bugs: kv.Bugs{StaleRead: true}}); err != nil {
				return err
			}
			return kv.Command(w, kv.Options{Seeds: 10})
		}},
}

func main() {
	procpool.MaybeWorker() // the procpool stop starts this program again as its workers
	only := flag.String("only", "", "comma-separated stops to run (default all): "+names())
	flag.Parse()
	if err := run(os.Stdout, *only); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(2)
	}
}

func names() string {
	var n []string
	for _, s := range stops {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

func run(w io.Writer, only string) error {
	var want []string
	if only != "" {
		want = strings.Split(only, ",")
		for _, n := range want {
			if !slices.ContainsFunc(stops, func(s stop) bool { return s.name == n }) {
				return fmt.Errorf("-only: unknown stop %q; stops: %s", n, names())
			}
		}
	}
	start := time.Now()
	for i, s := range stops {
		if want != nil && !slices.Contains(want, s.name) {
			continue
		}
		fmt.Fprintf(w, "\n### %d. %s (go run ./examples/%s)\n%s\n\n", i+1, s.name, s.name, s.about)
		t0 := time.Now()
		if err := s.run(w); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(w, "(%s took %.1fs)\n", s.name, time.Since(t0).Seconds())
	}
	fmt.Fprintf(w, "\ntour done in %.1fs\n", time.Since(start).Seconds())
	return nil
}
