package green_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// expiredWorld holds, for one case, objects whose waits cannot complete
// at once: a greenlet asleep for an hour of virtual time, an unset Event,
// empty and full queues, taken locks and permits.
type expiredWorld struct {
	sleeper *green.Greenlet
	unset   *green.Event
	empty   *green.AsyncResult
	q0      *green.Queue[int] // empty
	q1      *green.Queue[int] // full
	ch      *green.Channel[int]
	sem     *green.Semaphore // no permit
	held    *green.Lock      // held by the caller
	rl      *green.RLock     // held by the sleeper
	jq      *green.JoinableQueue[int]
	group   *green.Group // the sleeper is a member
	pool    *green.Pool  // full: the sleeper holds its slot
}

func newExpiredWorld() *expiredWorld {
	w := &expiredWorld{
		unset: new(green.Event),
		empty: new(green.AsyncResult),
		q0:    green.NewQueue[int](0),
		q1:    green.NewQueue[int](1),
		ch:    green.NewChannel[int](),
		sem:   green.NewSemaphore(0),
		held:  new(green.Lock),
		rl:    new(green.RLock),
		jq:    green.NewJoinableQueue[int](0),
		group: new(green.Group),
		pool:  green.NewPool(1),
	}
	w.sleeper = w.pool.Spawn(func() error {
		w.rl.Lock()
		defer w.rl.Unlock()
		green.Sleep(time.Hour)
		return nil
	})
	w.group.Add(w.sleeper)
	w.q1.Put(1)
	w.jq.Put(1)
	w.held.Lock()
	green.Yield() // the sleeper takes rl and sleeps
	return w
}

// One rule everywhere: a timeout computed from a deadline that has passed
// (time.Until(deadline) < 0) has expired, so the wait fails at once with an
// error matching ErrTimeout, without virtual time moving; a zero timeout
// passed as an argument has expired too. (In WaitOptions, JoinOptions and
// IWait, whose zero value means no bound, only a negative one has.)
func TestTimeout_ExpiredFailsAtOnce(t *testing.T) {
	type tc struct {
		name   string
		zeroOK bool // zero means no bound for this one
		op     func(w *expiredWorld, d time.Duration) error
	}
	cases := []tc{
		{"WithTimeout", false, func(w *expiredWorld, d time.Duration) error { return green.WithTimeout(d, w.unset.Wait) }},
		{"Greenlet.JoinTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.sleeper.JoinTimeout(d) }},
		{"Greenlet.KillTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.sleeper.KillTimeout(d) }},
		{"Event.WaitTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.unset.WaitTimeout(d) }},
		{"AsyncResult.GetTimeout", false, func(w *expiredWorld, d time.Duration) error { _, err := w.empty.GetTimeout(d); return err }},
		{"Queue.GetTimeout", false, func(w *expiredWorld, d time.Duration) error { _, err := w.q0.GetTimeout(d); return err }},
		{"Queue.PutTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.q1.PutTimeout(2, d) }},
		{"Channel.GetTimeout", false, func(w *expiredWorld, d time.Duration) error { _, err := w.ch.GetTimeout(d); return err }},
		{"Channel.PutTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.ch.PutTimeout(1, d) }},
		{"Semaphore.AcquireTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.sem.AcquireTimeout(d) }},
		{"Lock.LockTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.held.LockTimeout(d) }},
		{"RLock.LockTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.rl.LockTimeout(d) }},
		{"Condition.WaitTimeout", false, func(w *expiredWorld, d time.Duration) error {
			c := green.NewCondition(w.held) // held by the caller, as Wait wants
			return c.WaitTimeout(d)
		}},
		{"JoinableQueue.JoinTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.jq.JoinTimeout(d) }},
		{"Group.JoinTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.group.JoinTimeout(d) }},
		{"Pool.JoinTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.pool.JoinTimeout(d) }},
		{"Pool.WaitAvailableTimeout", false, func(w *expiredWorld, d time.Duration) error { return w.pool.WaitAvailableTimeout(d) }},
		{"Wait", true, func(w *expiredWorld, d time.Duration) error {
			got, err := green.Wait([]green.Waitable{w.sleeper, w.unset}, green.WaitOptions{Timeout: d})
			if len(got) != 0 {
				t.Errorf("Wait returned %d ready objects, want none", len(got))
			}
			return err
		}},
		{"JoinAll", true, func(w *expiredWorld, d time.Duration) error {
			_, err := green.JoinAll([]*green.Greenlet{w.sleeper}, green.JoinOptions{Timeout: d})
			return err
		}},
		{"JoinAll.StopOnError", true, func(w *expiredWorld, d time.Duration) error {
			_, err := green.JoinAll([]*green.Greenlet{w.sleeper}, green.JoinOptions{Timeout: d, StopOnError: true})
			return err
		}},
		{"IWait", true, func(w *expiredWorld, d time.Duration) error {
			for range green.IWait([]green.Waitable{w.sleeper, w.unset}, d) {
				t.Error("IWait yielded an object that was not ready")
			}
			return green.ErrTimeout // IWait just ends; time is checked below
		}},
		{"Time.WithTimeout", false, func(w *expiredWorld, d time.Duration) error {
			ctx, cancel := green.Time{}.WithTimeout(context.Background(), d)
			defer cancel()
			if err := ctx.Err(); err != context.DeadlineExceeded {
				return err
			}
			return green.ErrTimeout
		}},
	}
	for _, c := range cases {
		durations := []time.Duration{-time.Second, -1, math.MinInt64}
		if !c.zeroOK {
			durations = append(durations, 0)
		}
		for _, d := range durations {
			t.Run(c.name+"/"+d.String(), func(t *testing.T) {
				h := virtualHub(t)
				err := run(t, h, func() error {
					w := newExpiredWorld()
					start := h.Now()
					err := c.op(w, d)
					if !errors.Is(err, green.ErrTimeout) {
						t.Errorf("%s(%v) = %v, want an error matching ErrTimeout", c.name, d, err)
					}
					if moved := h.Now().Sub(start); moved != 0 {
						t.Errorf("%s(%v) waited %v of virtual time", c.name, d, moved)
					}
					w.sleeper.Kill()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// What is ready at the call is still returned when the timeout has expired.
func TestTimeout_ExpiredReturnsWhatIsReady(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		w := newExpiredWorld()
		defer w.sleeper.Kill()
		done := green.Spawn(func() error { return nil })
		green.Yield()
		got, err := green.Wait([]green.Waitable{w.sleeper, done}, green.WaitOptions{Timeout: -1})
		if len(got) != 1 || got[0] != done || !errors.Is(err, green.ErrTimeout) {
			t.Errorf("Wait = %v, %v; want [done] and a timeout", got, err)
		}
		if got, err := green.Wait([]green.Waitable{w.sleeper, done}, green.WaitOptions{Count: 1, Timeout: -1}); len(got) != 1 || err != nil {
			t.Errorf("Wait for one = %v, %v; want [done], nil", got, err)
		}
		joined, err := green.JoinAll([]*green.Greenlet{w.sleeper, done}, green.JoinOptions{Timeout: -1, StopOnError: true})
		if len(joined) != 1 || joined[0] != done || !errors.Is(err, green.ErrTimeout) {
			t.Errorf("JoinAll = %v, %v; want [done] and a timeout", joined, err)
		}
		var yielded []green.Waitable
		for o := range green.IWait([]green.Waitable{w.sleeper, done}, -1) {
			yielded = append(yielded, o)
		}
		if len(yielded) != 1 || yielded[0] != done {
			t.Errorf("IWait yielded %v, want [done]", yielded)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A timeout meant as "forever" does not wrap around into the past.
func TestTimeout_MaxDurationNeverFires(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		green.Sleep(time.Hour) // hub time is well past zero
		err := green.WithTimeout(math.MaxInt64, func() error {
			green.Sleep(time.Second)
			return nil
		})
		if err != nil {
			t.Errorf("WithTimeout(MaxInt64) around a 1s sleep = %v", err)
		}
		ev := new(green.Event)
		green.SpawnLater(time.Minute, func() error { ev.Set(); return nil })
		if err := ev.WaitTimeout(math.MaxInt64); err != nil {
			t.Errorf("WaitTimeout(MaxInt64) = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
