// Command db is the seed's database demo (MySQLdb vs PyMySQL): a tiny
// database server on loopback answers each query after 50 ms, and 100
// greenlets query it at once through three drivers:
//
//   - pure: dials through the registry's socket module, which main has
//     patched, so every greenlet waits cooperatively: about one query's time.
//   - native-handoff-off: dials with package net directly (declared
//     native), on a hub with the hand-off off, as gevent runs a C driver:
//     each query holds the hub, so the queries run one after another and
//     the blocking monitor reports them.
//   - native: the same driver with the hand-off on (the default): each
//     greenlet that waits in it is detached from the hub after a moment,
//     so the queries overlap; each detach is counted, and reported once.
//   - native-threadpool: the same native driver called through the hub's
//     thread pool (10 workers): the hub stays free, ten queries at a time.
//
// It prints one line per variant:
//
//	db driver=pure queries=100 wall_s=0.060 queries_per_s=1667 server_peak_concurrency=100 monitor_reports=0 detaches=0
//
// The monitor's threshold is set to half a query's time, so that a single
// native query trips it (gevent's default, 100 ms, would let a 50 ms query
// pass unseen).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/greenshim/greenshim/examples/internal/db"
)

// run is the example's body, for the test.
var run = db.Run

func main() {
	n := flag.Int("queries", 100, "concurrent queries")
	delay := flag.Duration("delay", 50*time.Millisecond, "how long the server takes per query")
	flag.Parse()
	if err := db.Run(os.Stdout, *n, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "db:", err)
		os.Exit(2)
	}
}
