package timeline

import (
	"errors"
	"time"

	"github.com/greenshim/greenshim/green"
)

// errNilTrace is what every writer returns for a nil trace.
var errNilTrace = errors.New("timeline: nil trace")

// slotStep is the least distance, in the Chrome trace, between two events
// (see # Time): room for a world event's slice (2ns) and its flow point
// (1ns in) strictly inside whatever greenlet slice encloses it.
const slotStep = 10

// model is a trace read into what the pictures draw. Events are referred
// to by their index in ev.
type model struct {
	ev   []green.TraceEvent
	slot []int64 // each event's time in the Chrome trace, in ns: strictly increasing
	end  int64   // the slot after the last event: where open stretches end

	lanes  []lane
	laneOf map[string]int // host name -> lane
	deflt  int            // the lane of events with no host, or -1 until needed

	gs    []*glet // in order of first appearance
	gByID map[uint64]*glet
	maxG  uint64 // the highest greenlet ID

	msgs  []message
	parts []span // partitions: a pair of lanes (b == -1: a from all)
	downs []span // a crashed host (b unused)
	marks []mark // world events drawn as points, and hub events with no greenlet
}

type lane struct {
	name  string
	deflt bool // the lane of events with no host
}

// glet is one greenlet's life.
type glet struct {
	id   uint64
	name string // its last name in the trace
	lane int
	segs []seg
	ends []int // events drawn as instants on its row: yield, end, kill
}

// seg is a stretch of a greenlet's life, from event from to event to (-1:
// still open when the trace ends).
type seg struct {
	state    string // "spawned", "running", "parked", "detached"
	from, to int
}

type message struct {
	src, dst int  // event indices: the send, the delivery or drop
	drop     bool //
}

// span is a stretch between two events on lanes a and b; to is -1 if it
// never ended.
type span struct {
	a, b     int
	from, to int
}

type mark struct {
	lane int
	ev   int
}

// The hub's kinds; every other kind is a world's.
var hubKinds = map[green.TraceKind]bool{
	green.TraceSpawn: true, green.TraceStart: true, green.TracePark: true, green.TraceWake: true,
	green.TraceYield: true, green.TraceEnd: true, green.TraceKill: true, green.TraceDetach: true,
	green.TraceRejoin: true, green.TraceTimer: true, green.TraceClose: true,
}

// read builds the model of tr's events.
func read(tr *green.Trace) *model {
	m := &model{ev: tr.Events(), laneOf: map[string]int{}, deflt: -1, gByID: map[uint64]*glet{}}
	m.slots()
	// Lanes: hosts in order of first appearance, then greenlets' lanes.
	for i := range m.ev {
		if h := m.ev[i].Host; h != "" {
			m.lane(h)
		}
	}
	m.glets()
	m.greenlets()
	m.world()
	return m
}

// slots gives each event its Chrome trace time: its own, or slotStep after
// the one before if the clock did not move (or went back).
func (m *model) slots() {
	m.slot = make([]int64, len(m.ev))
	prev := int64(-slotStep)
	for i := range m.ev {
		t := max(int64(m.ev[i].At), prev+slotStep)
		m.slot[i] = t
		prev = t
	}
	m.end = prev + slotStep
}

// lane returns the lane of host, adding it if new; "" is the default lane.
func (m *model) lane(host string) int {
	if host == "" {
		if m.deflt < 0 {
			m.deflt = len(m.lanes)
			m.lanes = append(m.lanes, lane{deflt: true})
		}
		return m.deflt
	}
	if l, ok := m.laneOf[host]; ok {
		return l
	}
	m.laneOf[host] = len(m.lanes)
	m.lanes = append(m.lanes, lane{name: host})
	return m.laneOf[host]
}

// laneName is what a lane is called on the page and in Perfetto.
func (m *model) laneName(l int) string {
	if !m.lanes[l].deflt {
		return m.lanes[l].name
	}
	if len(m.laneOf) == 0 {
		return "hub"
	}
	return "(no host)"
}

// glets lists the greenlets in order of first appearance, each on the
// host of the first of its events that names one.
func (m *model) glets() {
	host := map[uint64]string{}
	for i := range m.ev {
		e := &m.ev[i]
		if e.G == 0 {
			continue
		}
		g := m.gByID[e.G]
		if g == nil {
			g = &glet{id: e.G}
			m.gByID[e.G] = g
			m.gs = append(m.gs, g)
			m.maxG = max(m.maxG, e.G)
		}
		if e.Name != "" {
			g.name = e.Name // the last: SetName may follow the spawn
		}
		if host[e.G] == "" {
			host[e.G] = e.Host
		}
	}
	for _, g := range m.gs {
		g.lane = m.lane(host[g.id])
	}
}

// greenlets follows each greenlet through the hub's events.
func (m *model) greenlets() {
	open := func(g *glet, state string, i int) {
		if n := len(g.segs); n > 0 && g.segs[n-1].to < 0 {
			g.segs[n-1].to = i
		}
		if state != "" {
			g.segs = append(g.segs, seg{state: state, from: i, to: -1})
		}
	}
	for i := range m.ev {
		e := &m.ev[i]
		if !hubKinds[e.Kind] {
			continue
		}
		g := m.gByID[e.G]
		if g == nil {
			// A timer or Close: the hub's own, on the default lane.
			m.marks = append(m.marks, mark{lane: m.lane(""), ev: i})
			continue
		}
		switch e.Kind {
		case green.TraceSpawn:
			open(g, "spawned", i)
		case green.TraceStart, green.TraceWake, green.TraceRejoin:
			open(g, "running", i)
		case green.TracePark:
			open(g, "parked", i)
		case green.TraceDetach:
			open(g, "detached", i)
		case green.TraceEnd:
			open(g, "", i)
			g.ends = append(g.ends, i)
		case green.TraceYield, green.TraceKill:
			g.ends = append(g.ends, i)
		}
	}
}

// at is an event's world time.
func (m *model) at(i int) time.Duration { return m.ev[i].At }
