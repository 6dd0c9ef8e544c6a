package kv

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Workload is what a client does in a run: operations on a few keys, half
// of them reads, each after a random pause.
type Workload struct {
	Keys  []string      // the keys, nil means x, y, z
	Pause time.Duration // the most a client waits between operations; zero means 20ms
	Until time.Time     // the client starts no operation after this time
	Rand  *rand.Rand    // draws the operations and pauses; required
}

// Next draws the operation seq of client id. Written values are unique
// ("c<id>.<seq>"), so a read says which write it saw.
func (w *Workload) Next(id int, seq uint64) Input {
	keys := w.Keys
	if keys == nil {
		keys = []string{"x", "y", "z"}
	}
	in := Input{Key: keys[w.Rand.IntN(len(keys))]}
	switch p := w.Rand.IntN(4); {
	case p < 2:
		in.Kind = Get
	case p == 2:
		in.Kind, in.Value = Put, fmt.Sprintf("c%d.%d", id, seq)
	default:
		in.Kind, in.Value = Append, fmt.Sprintf("%d.%d;", id, seq)
	}
	return in
}

// Run runs c's operations until w.Until and returns their records (the
// last one included if it ends after Until). The error is c's conn
// failing.
//
//greenshim:sim
func (c *Client) Run(w *Workload) ([]Record, error) {
	if w == nil || w.Rand == nil {
		return nil, fmt.Errorf("kv: Client.Run needs a Workload with a Rand")
	}
	pause := w.Pause
	if pause == 0 {
		pause = 20 * time.Millisecond
	}
	clock := c.clock()
	var recs []Record
	for clock.Now().Before(w.Until) {
		rec, err := c.Do(w.Next(c.cfg.ID, c.seq+1))
		recs = append(recs, rec)
		if err != nil {
			return recs, err
		}
		clock.Sleep(time.Duration(w.Rand.Int64N(int64(pause))))
	}
	return recs, nil
}
