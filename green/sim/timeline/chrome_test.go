package timeline_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// event is a Chrome trace event as a viewer reads it back.
type event struct {
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Ph   string          `json:"ph"`
	Ts   *float64        `json:"ts"`
	Dur  *float64        `json:"dur"`
	Pid  *int            `json:"pid"`
	Tid  *int            `json:"tid"`
	ID   *uint64         `json:"id"`
	S    string          `json:"s"`
	Bp   string          `json:"bp"`
	Args json.RawMessage `json:"args"`
}

// ns is a time in the format's µs as whole nanoseconds, as Perfetto reads
// it (multiplied by 1000 and truncated).
func ns(us float64) int64 { return int64(us * 1000) }

type thread struct{ pid, tid int }

// chrome writes tr, parses it back and checks what Perfetto and
// chrome://tracing need: the object format, the fields each phase
// requires, slices nesting on each thread, and flows: one "s" and one "f"
// per id, with the same cat and name, not going back in time, each inside
// a slice on its thread (the "f" binding to its enclosing slice).
func chrome(t *testing.T, tr *green.Trace) []event {
	t.Helper()
	var buf bytes.Buffer
	if err := timeline.WriteChrome(&buf, tr); err != nil {
		t.Fatalf("WriteChrome: %v", err)
	}
	var doc struct {
		TraceEvents []event `json:"traceEvents"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&struct {
		TraceEvents *[]event       `json:"traceEvents"`
		OtherData   map[string]any `json:"otherData"`
	}{TraceEvents: &doc.TraceEvents}); err != nil {
		t.Fatalf("the JSON does not parse as the object format: %v", err)
	}
	evs := doc.TraceEvents
	slicesOf := map[thread][][2]int64{}
	flows := map[uint64][]event{}
	for i, e := range evs {
		if e.Name == "" || e.Ph == "" || e.Pid == nil || e.Ts == nil {
			t.Fatalf("event %d lacks name, ph, pid or ts: %+v", i, e)
		}
		switch e.Ph {
		case "M":
			var a struct{ Name *string }
			if err := json.Unmarshal(e.Args, &a); err != nil || (strings.HasSuffix(e.Name, "_name") && a.Name == nil) {
				t.Errorf("metadata %q without args.name: %s", e.Name, e.Args)
			}
		case "X":
			if e.Dur == nil || *e.Dur < 0 || e.Tid == nil {
				t.Fatalf("complete event without a dur >= 0 or a tid: %+v", e)
			}
			th := thread{*e.Pid, *e.Tid}
			slicesOf[th] = append(slicesOf[th], [2]int64{ns(*e.Ts), ns(*e.Ts + *e.Dur)})
		case "i":
			if !slices.Contains([]string{"t", "p", "g"}, e.S) {
				t.Errorf("instant with scope %q: %+v", e.S, e)
			}
		case "s", "f":
			if e.ID == nil || e.Tid == nil {
				t.Fatalf("flow event without id or tid: %+v", e)
			}
			flows[*e.ID] = append(flows[*e.ID], e)
		case "b", "e":
			if e.ID == nil || e.Cat == "" {
				t.Fatalf("async event without id or cat: %+v", e)
			}
		default:
			t.Errorf("unexpected phase %q: %+v", e.Ph, e)
		}
	}
	// Slices on a thread nest: none starts inside another and ends after it.
	for th, ss := range slicesOf {
		slices.SortStableFunc(ss, func(a, b [2]int64) int {
			if a[0] != b[0] {
				return int(a[0] - b[0])
			}
			return int(b[1] - a[1]) // the longer one encloses
		})
		var stack [][2]int64
		for _, s := range ss {
			for len(stack) > 0 && stack[len(stack)-1][1] <= s[0] {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 && s[1] > stack[len(stack)-1][1] {
				t.Errorf("thread %v: slice %v overlaps %v without nesting", th, s, stack[len(stack)-1])
			}
			stack = append(stack, s)
		}
	}
	inside := func(e event) bool {
		for _, s := range slicesOf[thread{*e.Pid, *e.Tid}] {
			if s[0] < ns(*e.Ts) && ns(*e.Ts) < s[1] {
				return true
			}
		}
		return false
	}
	for id, fs := range flows {
		if len(fs) != 2 || fs[0].Ph != "s" || fs[1].Ph != "f" {
			t.Errorf("flow %d is not one s then one f: %+v", id, fs)
			continue
		}
		s, f := fs[0], fs[1]
		if s.Cat != f.Cat || s.Name != f.Name || s.Cat == "" {
			t.Errorf("flow %d: s and f differ in cat or name: %+v %+v", id, s, f)
		}
		if *f.Ts < *s.Ts {
			t.Errorf("flow %d goes back in time: %+v %+v", id, s, f)
		}
		if f.Bp != "e" {
			t.Errorf("flow %d: f does not bind to its enclosing slice: %+v", id, f)
		}
		if !inside(s) || !inside(f) {
			t.Errorf("flow %d: an end is not strictly inside a slice of its thread: %+v %+v", id, s, f)
		}
	}
	return evs
}

// names returns the metadata names of kind ("process_name", "thread_name").
func names(evs []event, kind string) []string {
	var r []string
	for _, e := range evs {
		if e.Ph == "M" && e.Name == kind {
			var a struct{ Name string }
			json.Unmarshal(e.Args, &a)
			r = append(r, a.Name)
		}
	}
	return r
}

func count(evs []event, f func(event) bool) int {
	n := 0
	for _, e := range evs {
		if f(e) {
			n++
		}
	}
	return n
}

// A world's trace: hosts are processes, greenlets threads, each delivered
// or dropped message a flow from its send's slice to its delivery's.
func TestWriteChrome_World(t *testing.T) {
	evs := chrome(t, world())
	if got := names(evs, "process_name"); !slices.Equal(got, []string{"client", "a", "b"}) {
		t.Errorf("processes %q, want client a b", got)
	}
	if got := names(evs, "thread_name"); !slices.Contains(got, "client (g1)") || !slices.Contains(got, "backup (g3)") {
		t.Errorf("threads %q lack the greenlets", got)
	}
	if n := count(evs, func(e event) bool { return e.Ph == "s" }); n != 6 {
		t.Errorf("%d flows, want 6 (5 delivered, 1 dropped)", n)
	}
	// The drop's flow ends on b, the host the message was meant for.
	var pidB int
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "process_name" && strings.Contains(string(e.Args), `"b"`) {
			pidB = *e.Pid
		}
	}
	drop := count(evs, func(e event) bool { return e.Ph == "X" && e.Name == "net.drop" && *e.Pid == pidB })
	crash := count(evs, func(e event) bool { return e.Ph == "i" && e.Name == "crash" && *e.Pid == pidB })
	down := count(evs, func(e event) bool { return e.Ph == "b" && e.Name == "down" && *e.Pid == pidB })
	parted := count(evs, func(e event) bool { return e.Ph == "b" && strings.HasPrefix(e.Name, "partitioned from") })
	if drop != 1 || crash != 1 || down != 1 || parted != 2 {
		t.Errorf("drop %d, crash %d, down %d on b, partition spans %d; want 1 1 1 2", drop, crash, down, parted)
	}
	parked := count(evs, func(e event) bool { return e.Ph == "X" && e.Name == "parked: recv" })
	if parked == 0 {
		t.Error("no greenlet slice says what it parked on")
	}
}

// A real hub's trace (no world): one "hub" process, a thread per
// greenlet, stretches of running and parked on what.
func TestWriteChrome_HubRun(t *testing.T) {
	tr := hubRun(t)
	evs := chrome(t, tr)
	if got := names(evs, "process_name"); !slices.Equal(got, []string{"hub"}) {
		t.Errorf("processes %q, want hub alone", got)
	}
	threads := names(evs, "thread_name")
	for _, want := range []string{"sleeper", "waiter", "setter"} {
		if !slices.ContainsFunc(threads, func(s string) bool { return strings.HasPrefix(s, want+" (g") }) {
			t.Errorf("no thread for greenlet %q in %q", want, threads)
		}
	}
	for _, want := range []string{"parked: sleep", "parked: event", "running"} {
		if count(evs, func(e event) bool { return e.Ph == "X" && e.Name == want }) == 0 {
			t.Errorf("no %q slice", want)
		}
	}
	// The sleeper's nap is 50ms of world time, the setter's 20ms.
	tids := map[string]int{}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "thread_name" {
			var a struct{ Name string }
			json.Unmarshal(e.Args, &a)
			tids[strings.Fields(a.Name)[0]] = *e.Tid
		}
	}
	for who, want := range map[string]float64{"sleeper": 50_000, "setter": 20_000} {
		n := count(evs, func(e event) bool {
			return e.Ph == "X" && e.Name == "parked: sleep" && *e.Tid == tids[who] && *e.Dur > want-1 && *e.Dur < want+1
		})
		if n != 1 {
			t.Errorf("%s: %d sleep slices of %vµs, want 1", who, n, want)
		}
	}
}

// hubRun runs a few greenlets on a virtual hub with a trace.
func hubRun(t *testing.T) *green.Trace {
	t.Helper()
	tr := new(green.Trace)
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr})
	err := h.Run(func() error {
		ev := new(green.Event)
		s := green.Spawn(func() error { green.Sleep(50 * time.Millisecond); return nil }).SetName("sleeper")
		w := green.Spawn(func() error { return ev.Wait() }).SetName("waiter")
		set := green.Spawn(func() error { green.Sleep(20 * time.Millisecond); ev.Set(); return nil }).SetName("setter")
		_, err := green.JoinAll([]*green.Greenlet{s, w, set}, green.JoinOptions{})
		return err
	})
	h.Close()
	if err != nil {
		t.Fatalf("the hub run: %v", err)
	}
	if tr.Len() < 10 {
		t.Fatalf("the hub recorded %d events", tr.Len())
	}
	return tr
}

// Hostile names stay data: the JSON parses back to them exactly.
func TestWriteChrome_Escaping(t *testing.T) {
	hostile := []string{`"quoted" \ back`, "</script><script>alert(1)</script>", "new\nline\ttab", "ünï ☃ \u2028", "\x00\x1f"}
	tr := new(green.Trace)
	for i, s := range hostile {
		tr.Add(green.TraceEvent{At: time.Duration(i), Kind: "net.send", Host: s, G: uint64(i + 1), Name: s, Flow: uint64(i + 1), What: s, Note: s})
		tr.Add(green.TraceEvent{At: time.Duration(i + 1), Kind: "net.deliver", Host: hostile[(i+1)%len(hostile)], Flow: uint64(i + 1)})
	}
	evs := chrome(t, tr)
	procs, threads := names(evs, "process_name"), names(evs, "thread_name")
	for _, s := range hostile {
		if !slices.Contains(procs, s) || !slices.Contains(threads, s+" (g"+string(rune('0'+slices.Index(hostile, s)+1))+")") {
			t.Errorf("name %q did not come back: processes %q threads %q", s, procs, threads)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteChrome_BadInput(t *testing.T) {
	if err := timeline.WriteChrome(&bytes.Buffer{}, nil); err == nil || !strings.Contains(err.Error(), "nil trace") {
		t.Errorf("WriteChrome(nil trace) = %v, want an error naming the nil trace", err)
	}
	if evs := chrome(t, new(green.Trace)); len(evs) != 0 {
		t.Errorf("an empty trace gave %d events", len(evs))
	}
	for _, n := range []int{0, 100, 5000} {
		if err := timeline.WriteChrome(&failWriter{n: n}, world()); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("a writer failing after %d bytes: WriteChrome = %v, want its error", n, err)
		}
	}
}

// A world on a real hub: its events land inside the greenlets' slices,
// and each message is a flow.
func TestWriteChrome_WorldOnHub(t *testing.T) {
	evs := chrome(t, simRun(t))
	if got := names(evs, "process_name"); !slices.Equal(got, []string{"server", "client", "(no host)"}) && !slices.Equal(got, []string{"client", "server", "(no host)"}) {
		t.Errorf("processes %q, want client, server and (no host) for the wires", got)
	}
	flows := count(evs, func(e event) bool { return e.Ph == "s" })
	drops := count(evs, func(e event) bool { return e.Ph == "X" && e.Name == "net.drop" })
	if flows < 6 || drops < 1 {
		t.Errorf("%d flows, %d drops; want the requests, replies and at least one drop", flows, drops)
	}
}

// An event names the host it happened on: a delivery recorded by the
// sending greenlet lands on the receiver's world thread, not the sender's.
func TestWriteChrome_EventHostWins(t *testing.T) {
	tr := new(green.Trace)
	tr.Add(green.TraceEvent{Kind: green.TraceSpawn, G: 1, Host: "a", Name: "sender"})
	tr.Add(green.TraceEvent{At: 1, Kind: "net.send", G: 1, Host: "a", Flow: 1})
	tr.Add(green.TraceEvent{At: 5, Kind: "net.deliver", G: 1, Host: "b", Flow: 1})
	evs := chrome(t, tr)
	pid := map[string]int{}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "process_name" {
			var a struct{ Name string }
			json.Unmarshal(e.Args, &a)
			pid[a.Name] = *e.Pid
		}
	}
	for _, e := range evs {
		if e.Ph == "f" && *e.Pid != pid["b"] {
			t.Errorf("the delivery's flow ends on process %d, want b's (%d)", *e.Pid, pid["b"])
		}
	}
	if !slices.Contains(names(evs, "thread_name"), "world") {
		t.Error("b has no world thread for the delivery")
	}
}
