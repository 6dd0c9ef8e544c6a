package timeline_test

import (
	"fmt"
	"os"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// A world's message from host a to host b, 3ms on the wire: two
// processes, each event a short slice on its host's world thread, and a
// flow from the send to the delivery (its ts 1ns inside each slice).
func ExampleWriteChrome() {
	tr := new(green.Trace)
	tr.Add(green.TraceEvent{At: time.Millisecond, Kind: "net.send", Host: "a", Flow: 1, What: "ping"})
	tr.Add(green.TraceEvent{At: 4 * time.Millisecond, Kind: "net.deliver", Host: "b", Flow: 1, What: "ping"})
	if err := timeline.WriteChrome(os.Stdout, tr); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"otherData":{"generator":"greenshim timeline"},"traceEvents":[
	// {"name":"process_name","ph":"M","ts":0,"pid":1,"args":{"name":"a"}}
	// ,{"name":"process_sort_index","ph":"M","ts":0,"pid":1,"args":{"sort_index":0}}
	// ,{"name":"thread_name","ph":"M","ts":0,"pid":1,"tid":3,"args":{"name":"world"}}
	// ,{"name":"thread_sort_index","ph":"M","ts":0,"pid":1,"tid":3,"args":{"sort_index":-1}}
	// ,{"name":"process_name","ph":"M","ts":0,"pid":2,"args":{"name":"b"}}
	// ,{"name":"process_sort_index","ph":"M","ts":0,"pid":2,"args":{"sort_index":1}}
	// ,{"name":"thread_name","ph":"M","ts":0,"pid":2,"tid":4,"args":{"name":"world"}}
	// ,{"name":"thread_sort_index","ph":"M","ts":0,"pid":2,"tid":4,"args":{"sort_index":-1}}
	// ,{"name":"net.send","cat":"world","ph":"X","ts":1000.0005,"dur":0.002,"pid":1,"tid":3,"args":{"seq":1,"at":"1ms","what":"ping","host":"a","flow":1}}
	// ,{"name":"net.deliver","cat":"world","ph":"X","ts":4000.0005,"dur":0.002,"pid":2,"tid":4,"args":{"seq":2,"at":"4ms","what":"ping","host":"b","flow":1}}
	// ,{"name":"message","cat":"net","ph":"s","ts":1000.0015,"pid":1,"tid":3,"id":1}
	// ,{"name":"message","cat":"net","ph":"f","ts":4000.0015,"pid":2,"tid":4,"id":1,"bp":"e"}
	// ]}
}

// WriteFiles writes both pictures of a run beside each other; greentest's
// Picture does it for a failing seed.
func ExampleWriteFiles() {
	tr := new(green.Trace)
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr})
	h.Run(func() error {
		return green.Spawn(func() error { green.Sleep(time.Second); return nil }).SetName("napper").Join()
	})
	h.Close()
	dir, err := os.MkdirTemp("", "timeline")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	jsonPath, htmlPath, err := timeline.WriteFiles(dir+"/run", tr)
	fmt.Println(err, jsonPath[len(dir):], htmlPath[len(dir):])
	// Output:
	// <nil> /run.json /run.html
}
