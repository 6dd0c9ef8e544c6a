package timeline

import (
	"strings"

	"github.com/greenshim/greenshim/green"
)

// isDeliver reports whether k ends a message where it was meant to go.
func isDeliver(k green.TraceKind) bool {
	s := string(k)
	return s == "deliver" || strings.HasSuffix(s, ".deliver") || strings.HasSuffix(s, ".recv")
}

// isDrop reports whether k ends a message lost on its way.
func isDrop(k green.TraceKind) bool {
	s := string(k)
	return s == "drop" || strings.HasSuffix(s, ".drop")
}

// world reads the world's events: messages, partitions, crashes, faults.
func (m *model) world() {
	src := map[uint64]int{} // flow -> its first event
	parts := map[[2]int]int{}
	var partOrder [][2]int // the open pairs, in the order they opened
	downs := map[int]int{}
	for i := range m.ev {
		e := &m.ev[i]
		if hubKinds[e.Kind] {
			continue
		}
		l := m.worldLane(i)
		switch {
		case e.Flow != 0:
			s, ok := src[e.Flow]
			switch {
			case !ok:
				src[e.Flow] = i
			case isDeliver(e.Kind) || isDrop(e.Kind):
				m.msgs = append(m.msgs, message{src: s, dst: i, drop: isDrop(e.Kind)})
			default:
				m.marks = append(m.marks, mark{lane: l, ev: i})
			}
			if !ok && (isDeliver(e.Kind) || isDrop(e.Kind)) {
				// A delivery with no send recorded: a point.
				m.marks = append(m.marks, mark{lane: l, ev: i})
			}
		case e.Kind == "partition":
			for _, p := range m.pairs(e) {
				if _, ok := parts[p]; !ok {
					parts[p] = i
					partOrder = append(partOrder, p)
				}
			}
			m.marks = append(m.marks, mark{lane: l, ev: i})
		case e.Kind == "heal":
			heal := m.healed(e, partOrder)
			kept := partOrder[:0]
			for _, p := range partOrder {
				if heal[p] {
					m.parts = append(m.parts, span{a: p[0], b: p[1], from: parts[p], to: i})
					delete(parts, p)
				} else {
					kept = append(kept, p)
				}
			}
			partOrder = kept
			m.marks = append(m.marks, mark{lane: l, ev: i})
		case e.Kind == "crash" && l >= 0:
			if _, ok := downs[l]; !ok {
				downs[l] = i
			}
			m.marks = append(m.marks, mark{lane: l, ev: i})
		case (e.Kind == "restart" || e.Kind == "recover") && l >= 0:
			if from, ok := downs[l]; ok {
				m.downs = append(m.downs, span{a: l, from: from, to: i})
				delete(downs, l)
			}
			m.marks = append(m.marks, mark{lane: l, ev: i})
		default:
			m.marks = append(m.marks, mark{lane: l, ev: i})
		}
	}
	for _, p := range partOrder {
		m.parts = append(m.parts, span{a: p[0], b: p[1], from: parts[p], to: -1})
	}
	for l := range m.lanes {
		if from, ok := downs[l]; ok {
			m.downs = append(m.downs, span{a: l, from: from, to: -1})
		}
	}
}

// worldLane is the lane of a world event, or -1 for one of the whole
// world: no host, no greenlet, no flow (a partition that names its
// hosts in What, a heal of everything).
func (m *model) worldLane(i int) int {
	if e := &m.ev[i]; e.Host == "" && e.G == 0 && e.Flow == 0 {
		return -1
	}
	return m.eventLane(i)
}

// eventLane is the lane of a world event: its host's, or its greenlet's.
func (m *model) eventLane(i int) int {
	e := &m.ev[i]
	if e.Host == "" && e.G != 0 {
		return m.gByID[e.G].lane
	}
	return m.lane(e.Host)
}
