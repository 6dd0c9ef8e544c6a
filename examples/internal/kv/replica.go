package kv

import (
	"math/bits"
	"math/rand/v2"
	"net"
)

// role is a replica's part in its current term.
type role uint8

const (
	follower role = iota
	candidate
	leader
)

func (r role) String() string {
	return [...]string{"follower", "candidate", "leader"}[r]
}

// Timing in ticks of Config.Tick.
const (
	heartbeatTicks = 3  // a leader sends entries or a heartbeat this often
	electionTicks  = 15 // a follower that hears no leader for [electionTicks, 2·electionTicks) stands
	maxBatch       = 64 // entries per append message
)

// session is the last operation a client had applied, so that a retried
// request is answered, not applied again.
type session struct {
	seq   uint64
	value string
}

// waiter is a client waiting for the entry at some index to be applied.
type waiter struct {
	addr        net.Addr
	client, seq uint64
}

// outMsg is a message to send: to a replica (to >= 0) or to addr.
type outMsg struct {
	to   int
	addr net.Addr
	m    message
}

// replica is one member's protocol state: Raft (Ongaro and Ousterhout,
// 2014) without membership changes, snapshots or persistence. Its methods
// do no I/O and never wait: they change state and queue messages in out,
// which the server sends, so no other greenlet can see a half-made change.
type replica struct {
	id, n int
	bugs  Bugs
	rng   *rand.Rand
	note  func(kind, what string) // see Config.Note

	*Durable        // term, votedFor, log
	cut      uint64 // the lowest length the log was cut to since the last save
	commit   uint64 // volatile, as in Raft: relearned from the leader after a restart
	applied  uint64

	role    role
	leader  int // the leader of term, if known; -1 if not
	elapsed int // ticks since the leader (or a vote granted) was last heard
	timeout int // ticks of elapsed that start an election
	beat    int // ticks since the leader last sent to its followers
	votes   uint64
	next    []uint64 // leader: the next index to send to each replica
	match   []uint64 // leader: the highest index known replicated on each

	kv       map[string]string
	sessions map[uint64]session
	waiting  map[uint64]waiter // by log index

	out []outMsg
}

// Durable is the state a replica keeps on disk, in Raft's terms: its
// current term, its vote in it, and its log. A replica changes it before
// it sends any message that depends on the change, and never in the middle
// of a wait, so a crash (which kills a greenlet at a wait) always leaves
// it consistent: a Durable outlives its Server as a synced disk would, and
// a Server restarted on it rejoins safely. The zero Durable is a new
// replica's.
type Durable struct {
	term     uint64
	votedFor int     // +1: 0 is no vote, so that the zero Durable is ready
	log      []entry // log[0] is a sentinel of term 0: indexes start at 1
}

func newReplica(id, n int, d *Durable, rng *rand.Rand, bugs Bugs, note func(kind, what string)) *replica {
	if d.log == nil {
		d.log = []entry{{}}
	}
	r := &replica{
		id: id, n: n, bugs: bugs, rng: rng, note: note, Durable: d,
		leader:   -1,
		next:     make([]uint64, n),
		match:    make([]uint64, n),
		kv:       map[string]string{},
		sessions: map[uint64]session{},
		waiting:  map[uint64]waiter{},
	}
	r.cut = uint64(len(d.log))
	r.resetTimeout()
	return r
}

func (r *replica) lastIndex() uint64 { return uint64(len(r.log) - 1) }
func (r *replica) lastTerm() uint64  { return r.log[len(r.log)-1].Term }

func (r *replica) resetTimeout() {
	r.elapsed = 0
	r.timeout = electionTicks + r.rng.IntN(electionTicks)
}

func (r *replica) send(to int, m message) {
	m.Term, m.From = r.term, r.id
	r.out = append(r.out, outMsg{to: to, m: m})
}

func (r *replica) reply(addr net.Addr, m message) {
	m.Type, m.From = mReply, r.id
	r.out = append(r.out, outMsg{to: -1, addr: addr, m: m})
}

// tick advances the replica's clock by one tick.
func (r *replica) tick() {
	r.elapsed++
	if r.role == leader {
		r.beat++
		if r.beat >= heartbeatTicks {
			r.broadcast()
		}
		return
	}
	if r.elapsed >= r.timeout {
		r.campaign()
	}
}

func (r *replica) campaign() {
	r.term++
	r.role, r.votedFor, r.leader = candidate, r.id+1, -1
	r.votes = 1 << r.id
	r.resetTimeout()
	for p := range r.n {
		if p != r.id {
			r.send(p, message{Type: mVote, LastIndex: r.lastIndex(), LastTerm: r.lastTerm()})
		}
	}
}

// stepDown makes the replica a follower of term.
func (r *replica) stepDown(term uint64, lead int) {
	if r.role == leader && r.note != nil {
		r.note("stepdown", "")
	}
	if term > r.term {
		r.term, r.votedFor = term, 0
	}
	r.role, r.leader = follower, lead
}

// step handles one message, from a replica or from a client at addr.
func (r *replica) step(m message, addr net.Addr) {
	switch m.Type {
	case mRequest:
		r.request(m, addr)
		return
	case mReply:
		return
	}
	if m.From < 0 || m.From >= r.n || m.From == r.id {
		return
	}
	if m.Term > r.term {
		lead := -1
		if m.Type == mAppend {
			lead = m.From
		}
		r.stepDown(m.Term, lead)
	}
	switch m.Type {
	case mVote:
		upToDate := m.LastTerm > r.lastTerm() || (m.LastTerm == r.lastTerm() && m.LastIndex >= r.lastIndex())
		grant := m.Term == r.term && (r.votedFor == 0 || r.votedFor == m.From+1) && upToDate
		if grant {
			r.votedFor = m.From + 1
			r.resetTimeout()
		}
		r.send(m.From, message{Type: mVoteReply, Granted: grant})
	case mVoteReply:
		if r.role == candidate && m.Term == r.term && m.Granted {
			r.votes |= 1 << m.From
			if bits.OnesCount64(r.votes) > r.n/2 {
				r.becomeLeader()
			}
		}
	case mAppend:
		r.appendEntries(m)
	case mAppendReply:
		r.appendReply(m)
	}
}

func (r *replica) becomeLeader() {
	r.role, r.leader = leader, r.id
	for p := range r.n {
		r.next[p], r.match[p] = r.lastIndex()+1, 0
	}
	// A no-op of the new term: entries of earlier terms commit with it
	// (Raft §5.4.2), and reads behind it see every committed write.
	r.log = append(r.log, entry{Term: r.term})
	r.match[r.id] = r.lastIndex()
	if r.note != nil {
		r.note("leader", "")
	}
	r.broadcast()
}

// broadcast sends each follower what it lacks, or a heartbeat.
func (r *replica) broadcast() {
	r.beat = 0
	for p := range r.n {
		if p != r.id {
			r.sendAppend(p)
		}
	}
}

func (r *replica) sendAppend(p int) {
	prev := r.next[p] - 1
	end := min(r.lastIndex(), prev+maxBatch)
	m := message{Type: mAppend, PrevIndex: prev, PrevTerm: r.log[prev].Term, Commit: r.commit}
	if end > prev {
		m.Entries = r.log[prev+1 : end+1 : end+1]
	}
	r.send(p, m)
}

func (r *replica) appendEntries(m message) {
	if m.Term < r.term {
		r.send(m.From, message{Type: mAppendReply, Success: false, Match: r.lastIndex()})
		return
	}
	if r.role != follower || r.leader != m.From {
		r.stepDown(m.Term, m.From)
	}
	r.elapsed = 0
	if m.PrevIndex > r.lastIndex() || r.log[m.PrevIndex].Term != m.PrevTerm {
		r.send(m.From, message{Type: mAppendReply, Success: false, Match: min(r.lastIndex(), m.PrevIndex-1)})
		return
	}
	for i, e := range m.Entries {
		at := m.PrevIndex + 1 + uint64(i)
		if at <= r.lastIndex() {
			if r.log[at].Term == e.Term {
				continue // already there: a duplicate or reordered append must not truncate
			}
			r.log = r.log[:at]
			r.cut = min(r.cut, at)
		}
		r.log = append(r.log, e)
	}
	last := m.PrevIndex + uint64(len(m.Entries))
	if c := min(m.Commit, last); c > r.commit {
		r.commit = c
		r.apply()
	}
	r.send(m.From, message{Type: mAppendReply, Success: true, Match: last})
}

func (r *replica) appendReply(m message) {
	if r.role != leader || m.Term != r.term {
		return
	}
	p := m.From
	if !m.Success {
		r.next[p] = max(1, min(r.next[p]-1, m.Match+1))
		r.sendAppend(p)
		return
	}
	if m.Match > r.match[p] {
		r.match[p] = m.Match
	}
	r.next[p] = max(r.next[p], m.Match+1)
	// Commit the highest index of this term a majority holds.
	for i := r.lastIndex(); i > r.commit && r.log[i].Term == r.term; i-- {
		n := 0
		for q := range r.n {
			if r.match[q] >= i {
				n++
			}
		}
		if n > r.n/2 {
			r.commit = i
			r.apply()
			break
		}
	}
	if r.next[p] <= r.lastIndex() {
		r.sendAppend(p)
	}
}

func (r *replica) request(m message, addr net.Addr) {
	if r.role != leader {
		r.reply(addr, message{Client: m.Client, Seq: m.Seq, Err: errNotLeader, Leader: r.leader})
		return
	}
	if s, ok := r.sessions[m.Client]; ok && m.Seq <= s.seq && !r.bugs.NoDedup {
		if m.Seq == s.seq {
			r.reply(addr, message{Client: m.Client, Seq: m.Seq, Value: s.value})
		}
		return
	}
	if r.bugs.StaleRead && m.Op.Kind == Get {
		// The planted bug: a leader answers reads from its own state,
		// though a partition may have made another replica leader.
		if r.note != nil {
			r.note("local-read", m.Op.Key+"="+r.kv[m.Op.Key])
		}
		r.reply(addr, message{Client: m.Client, Seq: m.Seq, Value: r.kv[m.Op.Key]})
		return
	}
	r.log = append(r.log, entry{Term: r.term, Client: m.Client, Seq: m.Seq, Op: m.Op})
	r.match[r.id] = r.lastIndex()
	r.waiting[r.lastIndex()] = waiter{addr: addr, client: m.Client, seq: m.Seq}
	for p := range r.n {
		if p != r.id && r.next[p] == r.lastIndex() {
			r.sendAppend(p) // followers up to date get it now; others with their next append
		}
	}
}

// apply applies committed entries to the store, answering waiting clients.
func (r *replica) apply() {
	for r.applied < r.commit {
		r.applied++
		e := r.log[r.applied]
		value := ""
		if e.Client != 0 {
			value = r.applyOp(e)
		}
		w, ok := r.waiting[r.applied]
		if !ok {
			continue
		}
		delete(r.waiting, r.applied)
		if w.client == e.Client && w.seq == e.Seq {
			r.reply(w.addr, message{Client: e.Client, Seq: e.Seq, Value: value})
		}
	}
}

// applyOp applies one client operation once per session and returns its
// result.
func (r *replica) applyOp(e entry) string {
	if s, ok := r.sessions[e.Client]; ok && e.Seq <= s.seq && !r.bugs.NoDedup {
		return s.value
	}
	var value string
	switch e.Op.Kind {
	case Get:
		value = r.kv[e.Op.Key]
	case Put:
		r.kv[e.Op.Key] = e.Op.Value
	case Append:
		r.kv[e.Op.Key] += e.Op.Value
	}
	r.sessions[e.Client] = session{seq: e.Seq, value: value}
	return value
}
