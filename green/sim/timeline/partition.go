package timeline

import (
	"strings"

	"github.com/greenshim/greenshim/green"
)

// pairs reads the lanes a partition or heal event names (see # What it
// reads): ordered pairs of lanes, b == -1 for "from all".
func (m *model) pairs(e *green.TraceEvent) [][2]int {
	what := strings.TrimSpace(e.What)
	var left, right []string
	if a, b, ok := cutGroups(what); ok {
		left, right = hostList(a), hostList(b)
	} else {
		right = hostList(what)
		if e.Host != "" {
			left = []string{e.Host}
		} else {
			left, right = right, nil // isolated, each of them, from all
		}
	}
	var ps [][2]int
	for _, a := range left {
		if len(right) == 0 {
			ps = append(ps, [2]int{m.lane(a), -1})
		}
		for _, b := range right {
			if la, lb := m.lane(a), m.lane(b); la != lb {
				ps = append(ps, [2]int{min(la, lb), max(la, lb)})
			}
		}
	}
	return ps
}

// healed is the set of open pairs a heal event joins.
func (m *model) healed(e *green.TraceEvent, open [][2]int) map[[2]int]bool {
	heal := map[[2]int]bool{}
	switch {
	case e.Host == "" && (strings.TrimSpace(e.What) == "" || strings.TrimSpace(e.What) == "all"):
		for _, p := range open {
			heal[p] = true
		}
	case strings.TrimSpace(e.What) == "":
		l := m.lane(e.Host)
		for _, p := range open {
			if p[0] == l || p[1] == l {
				heal[p] = true
			}
		}
	default:
		for _, p := range m.pairs(e) {
			heal[p] = true
		}
	}
	return heal
}

// cutGroups splits "a,b|c", "[a b]<>[c]" (as green/sim writes it), or a
// one-way "a>c" or "a -> c" into its two sides.
func cutGroups(s string) (string, string, bool) {
	for _, sep := range []string{"<->", "<>", "->", "|", ">"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return a, b, true
		}
	}
	return "", "", false
}

// hostList splits "a,b c" or "[a b]" into host names.
func hostList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '[' || r == ']' })
}
