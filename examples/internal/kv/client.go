package kv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// ClientConfig configures a client.
type ClientConfig struct {
	ID      int        // the client's number, from 0; its session is ID+1
	Servers []net.Addr // the replicas
	// AttemptTimeout is how long one request waits for its answer before
	// the client tries the next replica; zero means 100ms.
	AttemptTimeout time.Duration
	// OpTimeout is how long an operation is retried before it ends
	// Unknown; zero means 1s.
	OpTimeout time.Duration
	// Start is the time zero of the history's call and return times.
	Start time.Time
	// Time is the clock; nil means registry.Time() at each use.
	Time iface.Time
}

// Client runs one operation at a time against the replicas, retrying each
// at the replica the last answer named leader, or the next one, until it
// is answered or OpTimeout passes. Every attempt of an operation carries
// the same session and sequence number, so the replicas apply it once.
type Client struct {
	cfg    ClientConfig
	pc     net.PacketConn
	seq    uint64
	leader int // the replica to try first
	buf    []byte
}

// NewClient makes a client that talks through pc. Bad configuration is an
// error naming the field.
func NewClient(pc net.PacketConn, cfg ClientConfig) (*Client, error) {
	switch {
	case pc == nil:
		return nil, errors.New("kv: NewClient of a nil conn")
	case len(cfg.Servers) == 0:
		return nil, errors.New("kv: ClientConfig.Servers is empty")
	case cfg.ID < 0:
		return nil, fmt.Errorf("kv: ClientConfig.ID is negative (%d)", cfg.ID)
	case cfg.AttemptTimeout < 0 || cfg.OpTimeout < 0:
		return nil, fmt.Errorf("kv: negative ClientConfig timeout (attempt %v, op %v)", cfg.AttemptTimeout, cfg.OpTimeout)
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = 100 * time.Millisecond
	}
	if cfg.OpTimeout == 0 {
		cfg.OpTimeout = time.Second
	}
	return &Client{cfg: cfg, pc: pc, leader: cfg.ID % len(cfg.Servers), buf: make([]byte, 64<<10)}, nil
}

func (c *Client) clock() iface.Time {
	if c.cfg.Time != nil {
		return c.cfg.Time
	}
	return registry.Time()
}

// Do runs one operation and returns its record. The error is not nil only
// if the client's conn failed; the record then ends Unknown.
//
//greenshim:sim
func (c *Client) Do(in Input) (Record, error) {
	clock := c.clock()
	c.seq++
	call := clock.Now()
	rec := Record{Client: c.cfg.ID, Seq: c.seq, In: in, Server: -1, Call: call.Sub(c.cfg.Start)}
	req := message{Type: mRequest, From: -1, Client: uint64(c.cfg.ID) + 1, Seq: c.seq, Op: in}
	deadline := call.Add(c.cfg.OpTimeout)
	for {
		now := clock.Now()
		if !now.Before(deadline) {
			rec.Outcome, rec.Return = Unknown, now.Sub(c.cfg.Start)
			return rec, nil
		}
		until := now.Add(c.cfg.AttemptTimeout)
		if deadline.Before(until) {
			until = deadline
		}
		reply, err := c.attempt(&req, until)
		switch {
		case err != nil:
			rec.Outcome, rec.Return = Unknown, clock.Now().Sub(c.cfg.Start)
			return rec, err
		case reply == nil: // no answer: try the next replica
			c.leader = (c.leader + 1) % len(c.cfg.Servers)
		case reply.Err == errNotLeader:
			if reply.Leader >= 0 && reply.Leader < len(c.cfg.Servers) && reply.Leader != c.leader {
				c.leader = reply.Leader
			} else {
				c.leader = (c.leader + 1) % len(c.cfg.Servers)
			}
			// Hints may go round in a circle while an election runs:
			// give it time rather than spin at one instant.
			clock.Sleep(c.cfg.AttemptTimeout / 10)
		default:
			rec.Value, rec.Server = reply.Value, reply.From
			rec.Return = clock.Now().Sub(c.cfg.Start)
			c.leader = reply.From
			return rec, nil
		}
	}
}

// attempt sends the request to c.leader and waits until until for its
// answer: nil if none came.
func (c *Client) attempt(req *message, until time.Time) (*message, error) {
	c.buf = req.encode(c.buf[:0])
	if _, err := c.pc.WriteTo(c.buf, c.cfg.Servers[c.leader]); errors.Is(err, net.ErrClosed) {
		return nil, err
	}
	if err := c.pc.SetReadDeadline(until); err != nil {
		return nil, err
	}
	buf := c.buf[:cap(c.buf)]
	for {
		n, _, err := c.pc.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		m, err := decode(buf[:n])
		if err != nil || m.Type != mReply || m.Client != req.Client || m.Seq != req.Seq {
			continue // garbage, or the late answer to an earlier attempt
		}
		return &m, nil
	}
}
