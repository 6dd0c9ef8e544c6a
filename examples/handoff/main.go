// Command handoff runs real Go libraries straight from greenlets, as
// monkey.patch_all() users call redis or requests from gevent: database/sql
// over a pure-Go driver with a pool smaller than the number of greenlets,
// go-redis against an in-process Redis server (miniredis), and net/http's
// client against a server whose pages take -delay. Each library waits on its
// own Go channels and mutexes, which the hub cannot see; the hand-off
// detaches a greenlet that waits there, so the others go on, and reports
// each call site once. Each case runs three ways: straight from greenlets,
// from plain goroutines, and from greenlets through green.Native.
//
//	go run ./examples/handoff
//	go run ./examples/handoff -workers 100 -delay 50ms -modes greenlets,goroutines
//
// It prints one line of figures per case and mode, and the call sites:
//
//	handoff case=http mode=greenlets workers=100 wall_s=0.081 detaches=100
//	  hand-off site: net/http.(*persistConn).roundTrip (transport.go:2815) waits in select, called from ...
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/greenshim/greenshim/examples/internal/handoff"
)

// run is the example's body, for the test.
var run = handoff.Run

func main() {
	workers := flag.Int("workers", 100, "greenlets (or goroutines) at once")
	delay := flag.Duration("delay", 50*time.Millisecond, "the HTTP server's time per page (a transaction pauses a tenth of it)")
	modes := flag.String("modes", "", "comma-separated modes (default all): greenlets, goroutines, native")
	flag.Parse()
	cfg := handoff.Config{Workers: *workers, Delay: *delay}
	if *modes != "" {
		cfg.Modes = strings.Split(*modes, ",")
	}
	if _, err := run(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "handoff:", err)
		os.Exit(2)
	}
}
