// Command wal is a write-ahead log on one simulated host, crashed at
// random: each seed draws a crash schedule, torn writes and lost directory
// entries (package green/sim), and each restart checks that every record
// acknowledged as durable is there and none is half-read. A planted bug
// (-bug skip-sync: Append acknowledges without syncing; -bug
// skip-dir-sync: the new log's directory is never synced) is found by a
// sweep of seeds, and its seed replays it.
//
//	go run ./examples/wal -seeds 200                 # failures=0
//	go run ./examples/wal -bug skip-sync -seeds 100  # found_seed=S and its replay line
//	go run ./examples/wal -bug skip-sync -replay S   # what happened in seed S, the same on every run
//	go run ./examples/wal -replay S -trace /tmp/wal  # and its picture: /tmp/wal.json, /tmp/wal.html
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/greenshim/greenshim/examples/internal/wal"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

func main() {
	os.Exit(run(os.Stdout, os.Args[1:]))
}

// run is the command, for the test: it returns the exit status (1 when a
// sweep or replay found a failure, 2 for bad flags).
func run(out io.Writer, args []string) int {
	fs := flag.NewFlagSet("wal", flag.ContinueOnError)
	fs.SetOutput(out)
	seeds := fs.Int("seeds", 100, "how many seeds to sweep")
	first := fs.Uint64("first", 1, "the first seed of the sweep")
	replay := fs.Int64("replay", -1, "run this one seed and print what happened")
	seed := fs.Int64("seed", -1, "the same as -replay")
	bug := fs.String("bug", "none", "the bug to plant: none, skip-sync or skip-dir-sync")
	trace := fs.String("trace", "", "with -replay: write the run's picture to PREFIX.json (Chrome trace events) and PREFIX.html")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	b, err := wal.ParseBug(*bug)
	if err != nil {
		fmt.Fprintln(out, err)
		return 2
	}
	if *seeds < 1 {
		fmt.Fprintf(out, "wal: -seeds %d: want at least 1\n", *seeds)
		return 2
	}
	if *replay < 0 {
		*replay = *seed
	}
	if *replay >= 0 {
		cfg := wal.Config{Seed: uint64(*replay), Bug: b}
		if *trace != "" {
			cfg.Trace = &green.Trace{}
		}
		r := wal.Run(cfg)
		fmt.Fprint(out, r.Log)
		if *trace != "" {
			j, h, err := timeline.WriteFiles(*trace, cfg.Trace)
			if err != nil {
				fmt.Fprintln(out, "wal:", err)
				return 2
			}
			fmt.Fprintf(out, "trace: %s %s\n", j, h)
		}
		if r.Failure != "" {
			fmt.Fprintf(out, "FAIL seed %d: %s\n", r.Seed, r.Failure)
			return 1
		}
		fmt.Fprintf(out, "ok seed %d\n", r.Seed)
		return 0
	}
	if failures, _, _ := wal.Sweep(out, *first, *seeds, b); failures > 0 {
		return 1
	}
	return 0
}
