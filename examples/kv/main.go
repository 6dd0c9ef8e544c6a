// Command kv finds a planted bug in a replicated key-value store by
// simulation, replays it from its seed, and draws it.
//
// Three replicas of a small Raft-replicated store (examples/internal/kv)
// and four clients run on hosts of a simulated world (green/sim), on one
// hub whose schedule is seeded, while a nemesis drawn from the same seed
// partitions the network (the leader from the other replicas, but not from
// the clients), crashes and restarts replicas, and slows the links down.
// porcupine checks that the clients' history is linearizable.
//
//	go run ./examples/kv -seeds 1000                      # failures=0
//	go run ./examples/kv -bug stale-read -seeds 100       # found_seed=S, and the line that replays it
//	go run ./examples/kv -bug stale-read -replay S        # the run: fault plan, history, verdict, hash
//	go run ./examples/kv -bug stale-read -replay S -trace /tmp/kv   # and /tmp/kv.json, /tmp/kv.html
//
// -trace writes the run as Chrome trace events (PREFIX.json, every event:
// ui.perfetto.dev opens it), the space-time page of green/sim/timeline
// (PREFIX.html, cut just after the first read a deposed leader served),
// and, for a failing history, porcupine's own picture of it
// (PREFIX-porcupine.html). Replicas are the mains of simulated hosts that
// crash and restart; each keeps its Raft state in a write-ahead log on
// its host's simulated disk.
//
// -bug stale-read lets a leader answer reads from its own state; a leader
// cut off by a partition keeps doing so after another has been elected.
// -bug no-dedup makes replicas apply a retried write twice. A sweep ends
// with seeds_per_s and sim_s_per_wall_s, simulated seconds per wall
// second (checking included).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/kv"
	_ "github.com/greenshim/greenshim/patch" // the registry's originals
)

func main() {
	var o kv.Options
	var bug string
	flag.IntVar(&o.Seeds, "seeds", 100, "sweep seeds 1..N; stop at the first failing one")
	flag.Uint64Var(&o.Replay, "replay", 0, "run seed S alone and print its history")
	flag.StringVar(&o.Trace, "trace", "", "write the picture of the replayed or found seed to `PREFIX`.json and PREFIX.html")
	flag.StringVar(&bug, "bug", "none", "plant bugs: stale-read, no-dedup (comma-separated) or none")
	flag.IntVar(&o.Clients, "clients", 0, "clients per run (0: 4)")
	flag.DurationVar(&o.Duration, "duration", 0, "world time clients run for (0: 10s)")
	flag.Parse()
	var err error
	if o.Bugs, err = kv.ParseBugs(bug); err == nil {
		err = kv.Command(os.Stdout, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kv:", err)
		os.Exit(2)
	}
}
