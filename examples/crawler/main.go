// Command crawler is the seed's concurrent crawler: it starts a web server
// on loopback whose pages each take 50 ms to answer and fetches 20 of them
// from 20 greenlets at once, net/http client and server both over the
// patched socket and dns modules. It prints each page's status and the
// total time, about one page's:
//
//	crawler pages=20 ok=20 wall_s=0.061 server_peak_concurrency=20
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/greenshim/greenshim/examples/internal/crawler"
)

// run is the example's body, for the test.
var run = crawler.Run

func main() {
	n := flag.Int("pages", 20, "pages to fetch, each from a greenlet of its own")
	delay := flag.Duration("delay", 50*time.Millisecond, "how long the server takes per page")
	flag.Parse()
	if _, err := run(os.Stdout, *n, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "crawler:", err)
		os.Exit(2)
	}
}
