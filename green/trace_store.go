package green

import "time"

// traceRec is how a Trace stores an event: 56 bytes and no pointers, so a
// long trace costs little memory and nothing to the garbage collector's
// marking. Strings are interned: kinds, details, hosts and names repeat.
type traceRec struct {
	at                           int64
	g, by, flow                  uint64
	kind, what, host, name, note uint32 // indexes into traceStore.strs
	stack                        int32  // index into traceStore.stacks, or -1
}

// traceStore holds a Trace's events. Its owner serializes access.
type traceStore struct {
	recs   [][]traceRec // in chunks of traceChunk: growing never copies (nor faults in) what is there
	n      int          // events stored
	strs   []string     // strs[0] is ""
	index  map[string]uint32
	stacks [][]uintptr
}

// traceChunk is how many events a traceStore keeps per chunk.
const traceChunk = 4096

func (s *traceStore) intern(v string) uint32 {
	if v == "" {
		return 0
	}
	if i, ok := s.index[v]; ok {
		return i
	}
	if s.index == nil {
		s.index = make(map[string]uint32)
		s.strs = append(s.strs, "")
	}
	i := uint32(len(s.strs))
	s.strs = append(s.strs, v)
	s.index[v] = i
	return i
}

func (s *traceStore) add(e *TraceEvent) {
	r := traceRec{
		at: int64(e.At), g: e.G, by: e.By, flow: e.Flow,
		kind: s.intern(string(e.Kind)), what: s.intern(e.What), host: s.intern(e.Host),
		name: s.intern(e.Name), note: s.intern(e.Note), stack: -1,
	}
	if e.Stack != nil {
		r.stack = int32(len(s.stacks))
		s.stacks = append(s.stacks, e.Stack)
	}
	if k := len(s.recs); k == 0 || len(s.recs[k-1]) == traceChunk {
		s.recs = append(s.recs, make([]traceRec, 0, traceChunk))
	}
	last := &s.recs[len(s.recs)-1]
	*last = append(*last, r)
	s.n++
}

// all returns every event.
func (s *traceStore) all() []TraceEvent {
	es := make([]TraceEvent, 0, s.n)
	for _, c := range s.recs {
		for i := range c {
			r := &c[i]
			e := TraceEvent{
				Seq: uint64(len(es)) + 1, At: time.Duration(r.at), Kind: TraceKind(s.strs[r.kind]),
				G: r.g, By: r.by, What: s.strs[r.what], Host: s.strs[r.host], Flow: r.flow,
				Name: s.strs[r.name], Note: s.strs[r.note],
			}
			if r.stack >= 0 {
				e.Stack = s.stacks[r.stack]
			}
			es = append(es, e)
		}
	}
	return es
}
