package sim_test

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// Timestamps taken on two hosts differ by their clocks' offsets and
// drifts, while their timers fire in the world's order.
func TestHost_ClockOffsetAndDrift(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Link: sim.Link{Latency: 10 * time.Millisecond}})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	require.NoError(t, a.SetClock(2*time.Second, 0))
	require.NoError(t, b.SetClock(-time.Second, 0.001)) // behind, and 1000 ppm fast
	off, drift := b.Clock()
	require.Equal(t, -time.Second, off)
	require.Equal(t, 0.001, drift)

	var sent, received time.Time
	var order []string
	err := w.Run(func() error {
		l, err := b.Socket().Listen("tcp", ":1")
		require.NoError(t, err)
		defer l.Close()
		srv := b.Go(func() error {
			c, err := l.Accept()
			if err != nil {
				return err
			}
			defer c.Close()
			var buf [8]byte
			if _, err := io.ReadFull(c, buf[:]); err != nil {
				return err
			}
			received = b.Time().Now()
			sent = time.Unix(0, int64(binary.BigEndian.Uint64(buf[:])))
			return nil
		})
		cli := a.Go(func() error {
			a.Time().Sleep(100 * time.Second) // world time, whatever the clocks say
			c, err := a.Socket().Dial("tcp", "b:1")
			if err != nil {
				return err
			}
			defer c.Close()
			var buf [8]byte
			binary.BigEndian.PutUint64(buf[:], uint64(a.Time().Now().UnixNano()))
			_, err = c.Write(buf[:])
			return err
		})
		// Timers fire in the world's order: a's 1s before b's 2s, although
		// a's clock is ahead.
		g1 := a.Go(func() error { a.Time().Sleep(time.Second); order = append(order, "a"); return nil })
		g2 := b.Go(func() error { b.Time().Sleep(2 * time.Second); order = append(order, "b"); return nil })
		for _, g := range []*green.Greenlet{srv, cli, g1, g2} {
			if err := g.Join(); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, order)
	// Sent at world 100s (the connect and the write take 2 latencies, and
	// arrival one more): a reads 100s+2s; b reads at 100.03s, -1s, plus
	// 0.1% of 100.03s.
	world := func(d time.Duration) time.Time { return w.Now().Add(-w.Since()).Add(d) }
	require.Equal(t, world(100*time.Second+20*time.Millisecond).Add(2*time.Second).UnixNano(), sent.UnixNano())
	at := 100*time.Second + 30*time.Millisecond
	require.Equal(t, world(at).Add(-time.Second+time.Duration(float64(at)*0.001)).UnixNano(), received.UnixNano())
	require.Less(t, received.Sub(sent), time.Duration(0), "b's clock is behind a's: the message seems to arrive before it was sent")
}

// A host's WithDeadline takes a time on its clock.
func TestHost_ClockWithDeadline(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	require.NoError(t, a.SetClock(time.Hour, 0.01))
	err := a.Run(func() error {
		tm := a.Time()
		t0 := w.Since()
		ctx, cancel := tm.WithDeadline(context.Background(), tm.Now().Add(101*time.Millisecond))
		defer cancel()
		_, _, err := green.Recv(ctx.Done())
		require.NoError(t, err)
		require.Equal(t, 100*time.Millisecond, w.Since()-t0) // 101ms on a clock 1% fast
		return nil
	})
	require.NoError(t, err)
}

func TestHost_SetClockBadDrift(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	for _, d := range []float64{-0.2, 0.11, math.NaN(), math.Inf(1)} {
		require.Error(t, a.SetClock(0, d), "drift %v", d)
	}
	off, drift := a.Clock()
	require.Zero(t, off)
	require.Zero(t, drift)
}
