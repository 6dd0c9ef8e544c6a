package timeline

import (
	"fmt"

	"github.com/greenshim/greenshim/green"
)

// maxCols is how many greenlets a lane draws side by side; a greenlet
// that finds every column busy for its whole life is left out of the page
// (and counted in its note), not of the Chrome trace.
const maxCols = 8

// The page's data: everything the script draws, with times in ns of world
// time and tips (hover text) written here.
type (
	pPage struct {
		Title    string   `json:"title"`
		Events   int      `json:"events"`   // in the trace
		Shown    int      `json:"shown"`    // drawn: the last Shown
		From     int64    `json:"from"`     // the first drawn event's time
		End      int64    `json:"end"`      // the last event's time
		Lanes    []pLane  `json:"lanes"`    //
		Gs       []pG     `json:"gs"`       //
		Hidden   int      `json:"hidden"`   // greenlets left out: no free column
		Msgs     []pMsg   `json:"msgs"`     //
		Parts    []pSpan  `json:"parts"`    //
		Downs    []pSpan  `json:"downs"`    //
		Marks    []pMark  `json:"marks"`    //
		Links    []pLink  `json:"links"`    // one greenlet waking or spawning another
		Breakers []string `json:"breakers"` // what may stop the run replaying
	}
	pLane struct {
		Name  string `json:"name"`
		Deflt bool   `json:"deflt"`
		Cols  int    `json:"cols"`
	}
	pG struct {
		ID   uint64 `json:"id"`
		Name string `json:"name"`
		Lane int    `json:"lane"`
		Col  int    `json:"col"`
		Segs []pSeg `json:"segs"`
		End  *pMark `json:"end"` // how it ended, if it did in the window
	}
	pSeg struct {
		T0  int64  `json:"t0"`
		T1  int64  `json:"t1"`
		S   string `json:"s"`           // the state
		W   string `json:"w,omitempty"` // what it is parked on or detached in
		Tip string `json:"tip"`
	}
	pMsg struct {
		From  int    `json:"from"`
		To    int    `json:"to"`
		T0    int64  `json:"t0"`
		T1    int64  `json:"t1"`
		Drop  bool   `json:"drop"`
		Label string `json:"label"`
		Tip   string `json:"tip"`
	}
	pSpan struct {
		A    int    `json:"a"`
		B    int    `json:"b"` // -1: from every host
		T0   int64  `json:"t0"`
		T1   int64  `json:"t1"`
		Open bool   `json:"open"`
		Tip  string `json:"tip"`
	}
	pLink struct {
		From uint64 `json:"from"` // greenlet IDs
		To   uint64 `json:"to"`
		T    int64  `json:"t"`
		Kind string `json:"kind"` // "wake", "spawn"
		Tip  string `json:"tip"`
	}
	pMark struct {
		Lane  int    `json:"lane"` // -1: the whole world
		T     int64  `json:"t"`
		Kind  string `json:"kind"` // a class: crash, restart, partition, heal, fault, hub, flow
		Label string `json:"label"`
		Tip   string `json:"tip"`
	}
)

func (m *model) page(opts Options, breakers []green.Breaker) *pPage {
	n := opts.MaxEvents
	if n == 0 {
		n = DefaultMaxEvents
	}
	w0 := 0 // the first event drawn
	if n > 0 && len(m.ev) > n {
		w0 = len(m.ev) - n
	}
	// Empty lists, not nulls: the script iterates them.
	p := &pPage{Title: opts.Title, Events: len(m.ev), Shown: len(m.ev) - w0, Lanes: []pLane{}, Gs: []pG{},
		Msgs: []pMsg{}, Parts: []pSpan{}, Downs: []pSpan{}, Marks: []pMark{}, Links: []pLink{}, Breakers: []string{}}
	if len(m.ev) > 0 {
		p.From, p.End = int64(m.at(w0)), int64(m.at(len(m.ev)-1))
	}
	for _, b := range breakers {
		p.Breakers = append(p.Breakers, b.String())
	}
	// t is an event's time, clipped to the window; tEnd is an end's (-1:
	// the trace's end).
	t := func(i int) int64 { return int64(m.at(max(i, w0))) }
	tEnd := func(i int) int64 {
		if i < 0 {
			return p.End
		}
		return t(i)
	}
	live := func(to int) bool { return to < 0 || to >= w0 }

	for l := range m.lanes {
		p.Lanes = append(p.Lanes, pLane{Name: m.laneName(l), Deflt: m.lanes[l].deflt})
	}
	busy := make([][]int, len(m.lanes)) // per lane and column: the event index it is busy until (-1: forever)
	for _, g := range m.gs {
		var segs []pSeg
		for _, s := range g.segs {
			if !live(s.to) {
				continue
			}
			ps := pSeg{T0: t(s.from), T1: tEnd(s.to), S: s.state, Tip: m.segTip(g, s)}
			if s.state == "parked" || s.state == "detached" {
				ps.W = m.ev[s.from].What
			}
			segs = append(segs, ps)
		}
		if len(segs) == 0 {
			continue
		}
		first, last := max(g.segs[0].from, w0), g.segs[len(g.segs)-1].to
		col := -1
		for c, until := range busy[g.lane] {
			if until >= 0 && until < first {
				col = c
				break
			}
		}
		if col < 0 && len(busy[g.lane]) < maxCols {
			col = len(busy[g.lane])
			busy[g.lane] = append(busy[g.lane], 0)
		}
		if col < 0 {
			p.Hidden++
			continue
		}
		busy[g.lane][col] = last
		p.Lanes[g.lane].Cols = max(p.Lanes[g.lane].Cols, col+1)
		pg := pG{ID: g.id, Name: g.name, Lane: g.lane, Col: col, Segs: segs}
		for _, i := range g.ends {
			if e := &m.ev[i]; e.Kind == green.TraceEnd && i >= w0 {
				pg.End = &pMark{Lane: g.lane, T: t(i), Kind: e.What, Label: instantName(e), Tip: gName(g) + " ended\n" + e.String()}
			}
		}
		p.Gs = append(p.Gs, pg)
	}
	// Links within a host: across hosts, messages tell the story.
	drawn := map[uint64]bool{}
	for _, g := range p.Gs {
		drawn[g.ID] = true
	}
	for i := w0; i < len(m.ev); i++ {
		e := &m.ev[i]
		if (e.Kind == green.TraceWake || e.Kind == green.TraceSpawn) && e.By != 0 && e.By != e.G && drawn[e.By] && drawn[e.G] &&
			m.gByID[e.By].lane == m.gByID[e.G].lane {
			by := m.gByID[e.By]
			p.Links = append(p.Links, pLink{From: e.By, To: e.G, T: t(i), Kind: string(e.Kind),
				Tip: fmt.Sprintf("%s %ss %s\n%v", gName(by), e.Kind, gName(m.gByID[e.G]), *e)})
		}
	}
	for _, msg := range m.msgs {
		if msg.dst < w0 {
			continue
		}
		d := &m.ev[msg.dst]
		label := m.ev[msg.src].What
		if label == "" {
			label = d.What
		}
		p.Msgs = append(p.Msgs, pMsg{
			From: m.eventLane(msg.src), To: m.eventLane(msg.dst), T0: t(msg.src), T1: t(msg.dst),
			Drop: msg.drop, Label: label, Tip: m.msgTip(msg),
		})
	}
	spans := func(ss []span, what string) []pSpan {
		r := []pSpan{}
		for _, s := range ss {
			if live(s.to) {
				r = append(r, pSpan{A: s.a, B: s.b, T0: t(s.from), T1: tEnd(s.to), Open: s.to < 0, Tip: m.spanTip(s, what)})
			}
		}
		return r
	}
	p.Parts = spans(m.parts, "partition")
	p.Downs = spans(m.downs, "down")
	for _, mk := range m.marks {
		if mk.ev < w0 {
			continue
		}
		e := &m.ev[mk.ev]
		p.Marks = append(p.Marks, pMark{Lane: mk.lane, T: t(mk.ev), Kind: markKind(e), Label: instantName(e), Tip: e.String()})
	}
	return p
}

// markKind is a mark's class on the page.
func markKind(e *green.TraceEvent) string {
	switch {
	case hubKinds[e.Kind]:
		return "hub"
	case e.Flow != 0:
		return "flow"
	case e.Kind == "crash", e.Kind == "partition", e.Kind == "heal":
		return string(e.Kind)
	case e.Kind == "restart", e.Kind == "recover":
		return "restart"
	}
	return "fault"
}
