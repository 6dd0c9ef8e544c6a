package timeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/greenshim/greenshim/green"
)

// chromeEvent is one entry of the Trace Event Format's traceEvents.
type chromeEvent struct {
	Name string      `json:"name"`
	Cat  string      `json:"cat,omitempty"`
	Ph   string      `json:"ph"`
	Ts   json.Number `json:"ts"`
	Dur  json.Number `json:"dur,omitempty"`
	Pid  int         `json:"pid"`
	Tid  uint64      `json:"tid,omitempty"` // none on a process's metadata: Perfetto would make a thread 0 in each
	ID   uint64      `json:"id,omitempty"`
	S    string      `json:"s,omitempty"`  // an instant's scope: "t" thread, "p" process
	Bp   string      `json:"bp,omitempty"` // a flow end's binding point: "e", the enclosing slice
	Args any         `json:"args,omitempty"`
}

// WriteChrome writes tr as Chrome trace event JSON (the JSON Object Format
// of the Trace Event Format), which Perfetto and chrome://tracing open:
//
//   - each host is a process (named by process_name metadata), and so is
//     the lane of events with no host;
//   - each greenlet is a thread of its host, named after it ("client
//     (g3)"), whose slices are its stretches: "spawned", "running" (from its
//     start or wake), "parked: <on what>", "detached: <wait>"; its yields,
//     end and kills are instants on it;
//   - each event of a message is a short slice named by its Kind
//     ("net.send") on its greenlet's thread, or on its host's "world"
//     thread if it has no greenlet, with the event in its args;
//   - each delivered or dropped message is a flow (ph "s" then "f", cat
//     "net", name "message") from its send's slice to its delivery's or
//     drop's;
//   - partitions and crashes are async slices on the hosts they cut off or
//     take down; they and the world's other events (faults) are instants
//     on their host, or global instants if they name none;
//   - the hub's own events (timers, Close) are instants on the lane of
//     events with no host.
//
// Every event's args hold its fields (seq, at, g, by, what, host, flow,
// note), so a slice's details show what the trace recorded.
//
// It returns an error for a nil trace, or the first error writing to w.
func WriteChrome(w io.Writer, tr *green.Trace) error {
	if tr == nil {
		return errNilTrace
	}
	m := read(tr)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if _, err := bw.WriteString("{\"otherData\":{\"generator\":\"greenshim timeline\"},\"traceEvents\":[\n"); err != nil {
		return err
	}
	first := true
	var err error
	emit := func(e chromeEvent) {
		if err != nil {
			return
		}
		if !first {
			_, err = bw.WriteString(",")
		}
		first = false
		if err == nil {
			err = enc.Encode(e) // one event a line: Encode ends it with a newline
		}
	}
	m.chrome(emit)
	if err != nil {
		return err
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// ts formats a time in ns as the format's microseconds. The half
// nanosecond keeps a reader that multiplies the number by 1000 and
// truncates (Perfetto does) on the right nanosecond.
func ts(ns int64) json.Number {
	return json.Number(fmt.Sprintf("%d.%03d5", ns/1000, ns%1000))
}

// dur formats a duration in ns as microseconds, exactly.
func dur(ns int64) json.Number {
	return json.Number(strconv.FormatFloat(float64(ns)/1000, 'f', -1, 64))
}

// Where things go in the Chrome trace: lane l is process l+1; greenlet g
// is thread n+g (n: the number of lanes, so that no thread has a
// process's number); lane l's world thread comes after every greenlet's.
func (m *model) pid(l int) int { return l + 1 }

func (m *model) gtid(id uint64) uint64 { return uint64(len(m.lanes)) + id }

func (m *model) wtid(l int) uint64 { return uint64(len(m.lanes)) + m.maxG + 1 + uint64(l) }

// thread is where event i is drawn: its greenlet's thread, or its lane's
// world thread if it has no greenlet or names another host than its
// greenlet's (a delivery recorded by the sending greenlet, say).
func (m *model) thread(i int) (int, uint64) {
	e := &m.ev[i]
	l := m.eventLane(i)
	if g := m.gByID[e.G]; g != nil && e.G != 0 && g.lane == l {
		return m.pid(g.lane), m.gtid(g.id)
	}
	return m.pid(l), m.wtid(l)
}

// evArgs is an event as a slice's args: the fields it has. (A struct,
// not a map: encoding/json sorts a map's keys for every event.)
type evArgs struct {
	Seq  uint64 `json:"seq"`
	At   string `json:"at"`
	G    uint64 `json:"g,omitempty"`
	By   uint64 `json:"by,omitempty"`
	What string `json:"what,omitempty"`
	Host string `json:"host,omitempty"`
	Flow uint64 `json:"flow,omitempty"`
	Note string `json:"note,omitempty"`
	From string `json:"from,omitempty"` // a greenlet slice: the kind of event it began with
	Open string `json:"open,omitempty"` // a slice the trace ended in
}

type nameArgs struct {
	Name string `json:"name"`
}

type sortArgs struct {
	SortIndex int `json:"sort_index"`
}

func args(e *green.TraceEvent) *evArgs {
	return &evArgs{Seq: e.Seq, At: e.At.String(), G: e.G, By: e.By, What: e.What, Host: e.Host, Flow: e.Flow, Note: e.Note}
}

func gName(g *glet) string {
	if g.name == "" {
		return fmt.Sprintf("g%d", g.id)
	}
	return fmt.Sprintf("%s (g%d)", g.name, g.id)
}

func (m *model) chrome(emit func(chromeEvent)) {
	// Names first: processes (hosts) in lane order, then threads.
	worlds := map[int]bool{}
	for i := range m.ev {
		if e := &m.ev[i]; !hubKinds[e.Kind] {
			if l := m.worldLane(i); l >= 0 {
				if _, t := m.thread(i); t == m.wtid(l) {
					worlds[l] = true
				}
			}
		}
	}
	for _, mk := range m.marks {
		if mk.lane >= 0 && hubKinds[m.ev[mk.ev].Kind] {
			worlds[mk.lane] = true
		}
	}
	for _, sp := range slices.Concat(m.parts, m.downs) {
		worlds[sp.a] = true
		if sp.b >= 0 {
			worlds[sp.b] = true
		}
	}
	for l := range m.lanes {
		p := m.pid(l)
		emit(chromeEvent{Name: "process_name", Ph: "M", Ts: "0", Pid: p, Args: nameArgs{m.laneName(l)}})
		emit(chromeEvent{Name: "process_sort_index", Ph: "M", Ts: "0", Pid: p, Args: sortArgs{l}})
		if worlds[l] {
			emit(chromeEvent{Name: "thread_name", Ph: "M", Ts: "0", Pid: p, Tid: m.wtid(l), Args: nameArgs{"world"}})
			emit(chromeEvent{Name: "thread_sort_index", Ph: "M", Ts: "0", Pid: p, Tid: m.wtid(l), Args: sortArgs{-1}})
		}
	}
	for _, g := range m.gs {
		emit(chromeEvent{Name: "thread_name", Ph: "M", Ts: "0", Pid: m.pid(g.lane), Tid: m.gtid(g.id), Args: nameArgs{gName(g)}})
	}
	// Greenlets' stretches and instants.
	for _, g := range m.gs {
		p, t := m.pid(g.lane), m.gtid(g.id)
		for _, s := range g.segs {
			to := m.end
			if s.to >= 0 {
				to = m.slot[s.to]
			}
			e := &m.ev[s.from]
			name := s.state
			if (s.state == "parked" || s.state == "detached") && e.What != "" {
				name += ": " + e.What
			}
			a := args(e)
			a.From = string(e.Kind)
			if s.to < 0 {
				a.Open = "the trace ended first"
			}
			emit(chromeEvent{Name: name, Cat: "greenlet", Ph: "X", Ts: ts(m.slot[s.from]), Dur: dur(to - m.slot[s.from]), Pid: p, Tid: t, Args: a})
		}
		for _, i := range g.ends {
			e := &m.ev[i]
			name := string(e.Kind)
			if e.What != "" && e.Kind == green.TraceEnd {
				name += ": " + e.What
			}
			emit(chromeEvent{Name: name, Cat: "greenlet", Ph: "i", S: "t", Ts: ts(m.slot[i]), Pid: p, Tid: t, Args: args(e)})
		}
	}
	// World events: a message's, a short slice each for its flows to bind
	// to; the others (faults), instants on their host, or global.
	for i := range m.ev {
		e := &m.ev[i]
		switch {
		case hubKinds[e.Kind]:
		case e.Flow != 0:
			p, t := m.thread(i)
			emit(chromeEvent{Name: string(e.Kind), Cat: "world", Ph: "X", Ts: ts(m.slot[i]), Dur: dur(2), Pid: p, Tid: t, Args: args(e)})
		case m.worldLane(i) < 0:
			emit(chromeEvent{Name: instantName(e), Cat: "fault", Ph: "i", S: "g", Ts: ts(m.slot[i]), Pid: m.pid(0), Args: args(e)})
		default:
			p, t := m.thread(i)
			emit(chromeEvent{Name: instantName(e), Cat: "fault", Ph: "i", S: "p", Ts: ts(m.slot[i]), Pid: p, Tid: t, Args: args(e)})
		}
	}
	// The hub's own events (timers, Close) as instants.
	for _, mk := range m.marks {
		e := &m.ev[mk.ev]
		if hubKinds[e.Kind] {
			p, t := m.pid(mk.lane), m.wtid(mk.lane)
			emit(chromeEvent{Name: instantName(e), Cat: "hub", Ph: "i", S: "t", Ts: ts(m.slot[mk.ev]), Pid: p, Tid: t, Args: args(e)})
		}
	}
	// Messages: a flow per arrow, from inside the send's slice to inside
	// the delivery's (1ns into each).
	for k, msg := range m.msgs {
		id := uint64(k + 1)
		ps, tsrc := m.thread(msg.src)
		pd, tdst := m.thread(msg.dst)
		emit(chromeEvent{Name: "message", Cat: "net", Ph: "s", ID: id, Ts: ts(m.slot[msg.src] + 1), Pid: ps, Tid: tsrc})
		emit(chromeEvent{Name: "message", Cat: "net", Ph: "f", Bp: "e", ID: id, Ts: ts(m.slot[msg.dst] + 1), Pid: pd, Tid: tdst})
	}
	// Partitions and crashes: async slices, which may overlap.
	var id uint64
	async := func(name string, l int, sp span, a *evArgs) {
		id++
		to := m.end
		if sp.to >= 0 {
			to = m.slot[sp.to]
		}
		emit(chromeEvent{Name: name, Cat: "fault", Ph: "b", ID: id, Ts: ts(m.slot[sp.from]), Pid: m.pid(l), Tid: m.wtid(l), Args: a})
		emit(chromeEvent{Name: name, Cat: "fault", Ph: "e", ID: id, Ts: ts(to), Pid: m.pid(l), Tid: m.wtid(l)})
	}
	for _, sp := range m.parts {
		a := args(&m.ev[sp.from])
		if sp.b < 0 {
			async("partitioned from all", sp.a, sp, a)
			continue
		}
		async("partitioned from "+m.laneName(sp.b), sp.a, sp, a)
		async("partitioned from "+m.laneName(sp.a), sp.b, sp, a)
	}
	for _, sp := range m.downs {
		async("down", sp.a, sp, args(&m.ev[sp.from]))
	}
}

// instantName is an event's name as an instant: its kind, and its detail.
func instantName(e *green.TraceEvent) string {
	if e.What == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + ": " + e.What
}
