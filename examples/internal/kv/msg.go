package kv

import (
	"encoding/binary"
	"errors"
)

// msgType tags a message between replicas, or between a client and a
// replica.
type msgType uint8

const (
	mVote        msgType = iota + 1 // candidate asks for a vote
	mVoteReply                      // a voter answers
	mAppend                         // leader sends entries (or a heartbeat)
	mAppendReply                    // follower answers
	mRequest                        // client asks for an operation
	mReply                          // replica answers a client
)

// errCode is a replica's reason for not answering a request.
type errCode uint8

const (
	errNone      errCode = iota
	errNotLeader         // ask Leader (or another replica if -1)
)

// entry is one slot of the replicated log: an operation of a client
// session (Client 0 is the leader's no-op at the start of its term).
type entry struct {
	Term   uint64
	Client uint64
	Seq    uint64
	Op     Input
}

// message is every message of the protocol in one struct; each type uses
// the fields its comment names.
type message struct {
	Type msgType
	Term uint64 // replicas' messages
	From int    // the sending replica

	LastIndex, LastTerm uint64 // mVote
	Granted             bool   // mVoteReply

	PrevIndex, PrevTerm, Commit uint64  // mAppend
	Entries                     []entry // mAppend
	Success                     bool    // mAppendReply
	Match                       uint64  // mAppendReply: last index known to match (a hint on failure)

	Client, Seq uint64  // mRequest, mReply
	Op          Input   // mRequest
	Value       string  // mReply: a Get's result
	Err         errCode // mReply
	Leader      int     // mReply with errNotLeader: the leader if known, else -1
}

// encode appends m's wire form to b: uvarints and length-prefixed strings,
// every field in order.
func (m *message) encode(b []byte) []byte {
	b = append(b, byte(m.Type))
	b = binary.AppendUvarint(b, m.Term)
	b = binary.AppendVarint(b, int64(m.From))
	switch m.Type {
	case mVote:
		b = binary.AppendUvarint(b, m.LastIndex)
		b = binary.AppendUvarint(b, m.LastTerm)
	case mVoteReply:
		b = appendBool(b, m.Granted)
	case mAppend:
		b = binary.AppendUvarint(b, m.PrevIndex)
		b = binary.AppendUvarint(b, m.PrevTerm)
		b = binary.AppendUvarint(b, m.Commit)
		b = binary.AppendUvarint(b, uint64(len(m.Entries)))
		for _, e := range m.Entries {
			b = binary.AppendUvarint(b, e.Term)
			b = binary.AppendUvarint(b, e.Client)
			b = binary.AppendUvarint(b, e.Seq)
			b = appendInput(b, e.Op)
		}
	case mAppendReply:
		b = appendBool(b, m.Success)
		b = binary.AppendUvarint(b, m.Match)
	case mRequest:
		b = binary.AppendUvarint(b, m.Client)
		b = binary.AppendUvarint(b, m.Seq)
		b = appendInput(b, m.Op)
	case mReply:
		b = binary.AppendUvarint(b, m.Client)
		b = binary.AppendUvarint(b, m.Seq)
		b = appendString(b, m.Value)
		b = append(b, byte(m.Err))
		b = binary.AppendVarint(b, int64(m.Leader))
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendInput(b []byte, in Input) []byte {
	b = append(b, byte(in.Kind))
	b = appendString(b, in.Key)
	return appendString(b, in.Value)
}

// errMalformed is decode's answer to bytes that are not a message (a
// corrupted or truncated datagram): the receiver drops them.
var errMalformed = errors.New("kv: malformed message")

// decoder reads a message's fields in order; the first short or bad read
// sets err and every later read returns zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errMalformed
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errMalformed
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errMalformed
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errMalformed
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) input() Input {
	return Input{Kind: Kind(d.byte()), Key: d.string(), Value: d.string()}
}

// decode parses one message; it returns errMalformed for anything that is
// not exactly one well-formed message.
func decode(b []byte) (message, error) {
	d := decoder{b: b}
	m := message{Type: msgType(d.byte())}
	m.Term = d.uvarint()
	m.From = int(d.varint())
	switch m.Type {
	case mVote:
		m.LastIndex, m.LastTerm = d.uvarint(), d.uvarint()
	case mVoteReply:
		m.Granted = d.byte() == 1
	case mAppend:
		m.PrevIndex, m.PrevTerm, m.Commit = d.uvarint(), d.uvarint(), d.uvarint()
		n := d.uvarint()
		if n > uint64(len(d.b)) { // each entry takes several bytes: a bound against garbage
			return message{}, errMalformed
		}
		for range n {
			m.Entries = append(m.Entries, entry{Term: d.uvarint(), Client: d.uvarint(), Seq: d.uvarint(), Op: d.input()})
		}
	case mAppendReply:
		m.Success = d.byte() == 1
		m.Match = d.uvarint()
	case mRequest:
		m.Client, m.Seq = d.uvarint(), d.uvarint()
		m.Op = d.input()
	case mReply:
		m.Client, m.Seq = d.uvarint(), d.uvarint()
		m.Value = d.string()
		m.Err = errCode(d.byte())
		m.Leader = int(d.varint())
	default:
		return message{}, errMalformed
	}
	if d.err != nil || len(d.b) != 0 {
		return message{}, errMalformed
	}
	return m, nil
}
