// Command sleepers is the seed's asyn.py on the hub: it spawns n greenlets
// that each sleep one second, joins them all, and prints one line of
// key=value figures:
//
//	sleepers n=1000000 clock=real spawn_s=... total_s=... peak_rss_mib=... peak_parked=... bytes_per_parked=...
//
// spawn_s is the time to spawn them all, total_s the time until the last one
// is joined (wall time, even on the virtual clock), peak_rss_mib the
// process's peak resident set, peak_parked the most greenlets parked at once
// (sampled every 10 ms of hub time) and bytes_per_parked the peak RSS above
// the start, divided by peak_parked. hub_s is the time that passed on the
// hub's clock.
//
//	go run ./examples/sleepers -n 1000000 -clock real
//	go run ./examples/sleepers -n 1000000 -clock virtual
//
// Compare with plain goroutines (../shared/peers/gobase: go run . sleepers N)
// and gevent (../shared/peers/gevent_sleepers.py N) in the same run.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/greenshim/greenshim/examples/internal/sleepers"
)

// run is the example's body, for the test.
var run = sleepers.Run

func main() {
	n := flag.Int("n", 100000, "number of greenlets")
	clk := flag.String("clock", "real", "the hub's clock: real or virtual")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sleepers:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := sleepers.Run(os.Stdout, *n, *clk); err != nil {
		fmt.Fprintln(os.Stderr, "sleepers:", err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}
