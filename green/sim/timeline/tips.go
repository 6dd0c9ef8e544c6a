package timeline

import (
	"fmt"
	"strings"
)

// The hover text of what the page draws: the events as Trace.String
// lists them, under a line that says what the shape is.

func (m *model) segTip(g *glet, s seg) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", gName(g), s.state)
	if e := &m.ev[s.from]; e.What != "" && (s.state == "parked" || s.state == "detached") {
		fmt.Fprintf(&b, " on %s", e.What)
	}
	fmt.Fprintf(&b, "\nfrom %v", m.at(s.from))
	if s.to >= 0 {
		fmt.Fprintf(&b, " to %v (%v)", m.at(s.to), m.at(s.to)-m.at(s.from))
	} else {
		b.WriteString(" to the end of the trace")
	}
	fmt.Fprintf(&b, "\n%v", m.ev[s.from])
	if s.to >= 0 {
		fmt.Fprintf(&b, "\n%v", m.ev[s.to])
	}
	return b.String()
}

func (m *model) msgTip(msg message) string {
	s, d := &m.ev[msg.src], &m.ev[msg.dst]
	verb := "delivered"
	if msg.drop {
		verb = "DROPPED"
	}
	return fmt.Sprintf("message %d %s: %s → %s after %v\n%v\n%v", s.Flow, verb,
		m.laneName(m.eventLane(msg.src)), m.laneName(m.eventLane(msg.dst)), d.At-s.At, *s, *d)
}

func (m *model) spanTip(s span, what string) string {
	var b strings.Builder
	if what == "partition" {
		other := "every host"
		if s.b >= 0 {
			other = m.laneName(s.b)
		}
		fmt.Fprintf(&b, "partition: %s cut off from %s", m.laneName(s.a), other)
	} else {
		fmt.Fprintf(&b, "%s is down", m.laneName(s.a))
	}
	fmt.Fprintf(&b, "\nfrom %v\n%v", m.at(s.from), m.ev[s.from])
	if s.to >= 0 {
		fmt.Fprintf(&b, "\nuntil %v\n%v", m.at(s.to), m.ev[s.to])
	} else {
		b.WriteString("\nuntil the end of the trace")
	}
	return b.String()
}
