package timeline_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// busy is a world's trace of n messages between five hosts, each sent by
// a greenlet that wakes, sends and parks, a twentieth of them dropped.
func busy(n int) *green.Trace {
	tr := new(green.Trace)
	hosts := []string{"c1", "c2", "n1", "n2", "n3"}
	for i, h := range hosts {
		tr.Add(green.TraceEvent{Kind: green.TraceSpawn, G: uint64(i + 1), Host: h, Name: "worker"})
	}
	for f := 1; f <= n; f++ {
		at := time.Duration(f) * time.Millisecond
		a, b := f%len(hosts), (f*3+1)%len(hosts)
		if a == b {
			b = (b + 1) % len(hosts)
		}
		g := uint64(a + 1)
		tr.Add(green.TraceEvent{At: at, Kind: green.TraceWake, G: g, Host: hosts[a]})
		tr.Add(green.TraceEvent{At: at, Kind: "net.send", G: g, Host: hosts[a], Flow: uint64(f), What: fmt.Sprint("req ", f)})
		tr.Add(green.TraceEvent{At: at, Kind: green.TracePark, G: g, Host: hosts[a], What: "recv"})
		kind := green.TraceKind("net.deliver")
		if f%20 == 0 {
			kind = "net.drop"
		}
		tr.Add(green.TraceEvent{At: at + 3*time.Millisecond, Kind: kind, Host: hosts[b], Flow: uint64(f)})
	}
	return tr
}

// The writers' cost per trace event, on a trace of 40,000 events.
func BenchmarkWriteChrome(b *testing.B) {
	tr := busy(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := timeline.WriteChrome(io.Discard, tr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tr.Len()), "ns/event")
}

func BenchmarkWriteHTML(b *testing.B) {
	tr := busy(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := timeline.WriteHTML(io.Discard, tr, timeline.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tr.Len()), "ns/event")
}
