package timeline_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// world builds a hand-made trace of three hosts, as a simulated world
// records one: a client on "client" sends requests to "a" (the primary),
// which replicates to "b"; a partition cuts a from b, a message is dropped,
// and b crashes and restarts.
func world() *green.Trace {
	tr := new(green.Trace)
	ms := time.Millisecond
	add := func(at time.Duration, kind green.TraceKind, host string, g uint64, name string, flow uint64, what, note string) {
		tr.Add(green.TraceEvent{At: at, Kind: kind, Host: host, G: g, Name: name, Flow: flow, What: what, Note: note})
	}
	hub := func(at time.Duration, kind green.TraceKind, host string, g uint64, name, what string, by uint64) {
		tr.Add(green.TraceEvent{At: at, Kind: kind, Host: host, G: g, Name: name, What: what, By: by})
	}
	hub(0, green.TraceSpawn, "client", 1, "client", "", 0)
	hub(0, green.TraceSpawn, "a", 2, "primary", "", 0)
	hub(0, green.TraceSpawn, "b", 3, "backup", "", 0)
	hub(0, green.TraceStart, "client", 1, "client", "", 0)
	add(0, "net.send", "client", 1, "client", 1, "put x=1", "")
	hub(0, green.TracePark, "client", 1, "client", "recv", 0)
	hub(0, green.TraceStart, "a", 2, "primary", "", 0)
	hub(0, green.TracePark, "a", 2, "primary", "recv", 0)
	hub(0, green.TraceStart, "b", 3, "backup", "", 0)
	hub(0, green.TracePark, "b", 3, "backup", "recv", 0)
	add(2*ms, "net.deliver", "a", 2, "primary", 1, "put x=1", "")
	hub(2*ms, green.TraceWake, "a", 2, "primary", "", 0)
	add(2*ms, "net.send", "a", 2, "primary", 2, "repl x=1", "")
	hub(2*ms, green.TracePark, "a", 2, "primary", "recv", 0)
	add(5*ms, "net.deliver", "b", 3, "backup", 2, "repl x=1", "")
	hub(5*ms, green.TraceWake, "b", 3, "backup", "", 0)
	add(5*ms, "net.send", "b", 3, "backup", 3, "ack", "")
	hub(5*ms, green.TracePark, "b", 3, "backup", "recv", 0)
	add(8*ms, "net.deliver", "a", 2, "primary", 3, "ack", "")
	hub(8*ms, green.TraceWake, "a", 2, "primary", "", 0)
	add(8*ms, "net.send", "a", 2, "primary", 4, "ok", "")
	hub(8*ms, green.TracePark, "a", 2, "primary", "recv", 0)
	add(10*ms, "net.deliver", "client", 1, "client", 4, "ok", "")
	hub(10*ms, green.TraceWake, "client", 1, "client", "", 0)
	hub(10*ms, green.TracePark, "client", 1, "client", "sleep", 0)
	hub(12*ms, green.TraceWake, "client", 1, "client", "timer", 0)
	add(12*ms, "partition", "", 0, "", 0, "a|b", "")
	add(12*ms, "net.send", "client", 1, "client", 5, "put x=2", "")
	hub(12*ms, green.TracePark, "client", 1, "client", "recv", 0)
	add(14*ms, "net.deliver", "a", 2, "primary", 5, "put x=2", "")
	hub(14*ms, green.TraceWake, "a", 2, "primary", "", 0)
	add(14*ms, "net.send", "a", 2, "primary", 6, "repl x=2", "")
	hub(14*ms, green.TracePark, "a", 2, "primary", "sleep", 0)
	add(15*ms, "net.drop", "b", 0, "", 6, "repl x=2", "partitioned")
	add(20*ms, "crash", "b", 0, "", 0, "", "power off")
	add(30*ms, "restart", "b", 0, "", 0, "", "")
	add(35*ms, "heal", "", 0, "", 0, "", "")
	add(36*ms, "buggify", "a", 0, "", 0, "slow disk", "")
	hub(40*ms, green.TraceEnd, "client", 1, "client", "error", 0)
	return tr
}

// simRun is a world on a real hub, as green/sim records one: a client and
// a server greenlet on two hosts (Trace.Host), messages carried by wire
// greenlets that record their send, delivery or drop with Trace.Add at
// hub time, and a partition that drops the requests sent while it lasts.
func simRun(t *testing.T) *green.Trace {
	t.Helper()
	tr := new(green.Trace)
	host := map[*green.Greenlet]string{} // hub context only
	tr.Host = func(g *green.Greenlet) string { return host[g] }
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr, Schedule: green.Schedule{Policy: green.Random, Seed: 3}})
	defer h.Close()
	var flow uint64
	cut := false
	inbox := map[string]*green.Queue[string]{"client": green.NewQueue[string](0), "server": green.NewQueue[string](0)}
	send := func(from, to, what string) {
		flow++
		f := flow
		tr.Add(green.TraceEvent{At: tr.Now(), Kind: "net.send", Host: from, G: green.Current().ID(), Flow: f, What: what})
		green.Spawn(func() error {
			green.Sleep(3 * time.Millisecond)
			if cut {
				tr.Add(green.TraceEvent{At: tr.Now(), Kind: "net.drop", Host: to, Flow: f, What: what, Note: "partitioned"})
				return nil
			}
			tr.Add(green.TraceEvent{At: tr.Now(), Kind: "net.deliver", Host: to, Flow: f, What: what})
			return inbox[to].Put(what)
		}).SetName("wire")
	}
	err := h.Run(func() error {
		server := green.Spawn(func() error {
			host[green.Current()] = "server"
			for {
				req, err := inbox["server"].Get()
				if err != nil || req == "bye" {
					return err
				}
				send("server", "client", "re: "+req)
			}
		}).SetName("server")
		client := green.Spawn(func() error {
			host[green.Current()] = "client"
			for i := range 4 {
				send("client", "server", fmt.Sprintf("get %d", i))
				if _, err := inbox["client"].GetTimeout(20 * time.Millisecond); err != nil {
					tr.Add(green.TraceEvent{At: tr.Now(), Kind: "timeout", Host: "client", G: green.Current().ID(), What: "no reply"})
				}
			}
			send("client", "server", "bye")
			return nil
		}).SetName("client")
		green.Sleep(8 * time.Millisecond)
		cut = true
		tr.Add(green.TraceEvent{At: tr.Now(), Kind: "partition", What: "client|server"})
		green.Sleep(20 * time.Millisecond)
		cut = false
		tr.Add(green.TraceEvent{At: tr.Now(), Kind: "heal"})
		_, err := green.JoinAll([]*green.Greenlet{server, client}, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("the world's run: %v", err)
	}
	return tr
}
