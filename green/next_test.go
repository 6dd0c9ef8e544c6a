package green_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// wakePair runs a pair, a and b, that wake each other through Waiters and
// wait, exchanges times, beside x, which logs and yields the whole time,
// and returns the log: one letter per turn.
func wakePair(t *testing.T, s green.Schedule, exchanges int) string {
	t.Helper()
	h := schedHub(t, s, nil)
	var log strings.Builder
	err := run(t, h, func() error {
		var wa, wb green.Waiter
		done := false
		x := green.Spawn(func() error {
			for !done {
				log.WriteByte('x')
				green.Yield()
			}
			return nil
		})
		a := green.Spawn(func() error {
			for range exchanges {
				log.WriteByte('a')
				wb.Wake()
				if err := wa.Wait(); err != nil {
					return err
				}
			}
			done = true
			wb.Wake()
			return nil
		})
		b := green.Spawn(func() error {
			for !done {
				if err := wb.Wait(); err != nil {
					return err
				}
				log.WriteByte('b')
				wa.Wake()
			}
			return nil
		})
		_, err := green.JoinAll([]*green.Greenlet{x, a, b}, green.JoinOptions{})
		return err
	})
	require.NoError(t, err)
	return log.String()
}

// A greenlet that wakes one other and waits hands the hub to it: the pair
// runs as a unit, ahead of x, which was runnable all along, for up to 64
// greenlets in a row after each pick from the run queue. Then x gets its
// turn, and so on: x is never starved.
func TestSchedule_WokenRunsNext(t *testing.T) {
	got := wakePair(t, green.Schedule{}, 200)
	assert.Equal(t, 200, strings.Count(got, "a"))
	// The first exchanges, as the rule says: x starts and yields; a
	// starts, wakes b (not started: the Waiter remembers) and waits; b
	// starts, wakes a and waits, and from then on each wakes the other,
	// which runs next, 64 times. Then x gets its turn.
	runs := strings.Split(got, "x")
	require.Greater(t, len(runs), 3, "log %q", got)
	assert.Equal(t, "", runs[0])
	assert.Equal(t, strings.Repeat("ab", 33), runs[1])
	// Later, each run of the pair is one pick from the run queue and at
	// most 64 greenlets from next.
	longest := 0
	for _, run := range runs[2:] {
		longest = max(longest, len(run))
	}
	assert.Equal(t, 65, longest, "longest run of the pair between two turns of x")
}

// Under Random a wake does not decide who runs next: the choice at each
// switch stays uniform, so the pair does not run as a unit. (PCT runs the
// higher of its priorities, which may well be the pair's for a long time.)
func TestSchedule_WokenRunsNextOnlyUnderFIFO(t *testing.T) {
	got := wakePair(t, green.Schedule{Policy: green.Random, Seed: 1}, 200)
	longest := 0
	for _, run := range strings.Split(got, "x") {
		longest = max(longest, len(run))
	}
	assert.Less(t, longest, 20, "longest run of the pair between two turns of x")
}

// A greenlet that wakes two queues both, in order, behind what was
// runnable already (x), as plain FIFO rounds do; one that wakes one and
// then yields queues that one ahead of itself, and behind what was
// runnable already (y).
func TestSchedule_WakesKeepFIFOOrder(t *testing.T) {
	h := schedHub(t, green.Schedule{}, nil)
	var log []string
	err := run(t, h, func() error {
		var w1, w2, w3 green.Waiter
		for i, w := range []*green.Waiter{&w1, &w2, &w3} {
			green.Spawn(func() error {
				if err := w.Wait(); err != nil {
					return err
				}
				log = append(log, fmt.Sprint("w", i+1))
				return nil
			})
		}
		green.Sleep(time.Second) // all three wait
		x := green.Spawn(func() error { green.Yield(); log = append(log, "x"); return nil })
		green.Yield() // x starts and yields: runnable
		w1.Wake()
		w2.Wake()
		log = append(log, "woke two")
		green.Sleep(time.Second)

		y := green.Spawn(func() error { green.Yield(); log = append(log, "y"); return nil })
		green.Yield() // y starts and yields: runnable
		w3.Wake()
		log = append(log, "woke one")
		green.Yield()
		log = append(log, "main")
		_, err := green.JoinAll([]*green.Greenlet{x, y}, green.JoinOptions{})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "woke two x w1 w2 woke one y w3 main", strings.Join(log, " "))
}

// A greenlet that ends queues the one its end woke (a joiner) behind what
// was runnable already: a loop of Joins then finds the greenlets that
// ended in the same round ended, instead of being woken once per greenlet.
func TestSchedule_EndQueuesJoiner(t *testing.T) {
	h := schedHub(t, green.Schedule{}, nil)
	var log []string
	err := run(t, h, func() error {
		a := green.Spawn(func() error { green.Sleep(time.Second); log = append(log, "a ends"); return nil })
		b := green.Spawn(func() error { green.Sleep(time.Second); log = append(log, "b ends"); return nil })
		if err := a.Join(); err != nil {
			return err
		}
		log = append(log, "joined a")
		if !b.Ready() {
			log = append(log, "b still running")
		}
		return b.Join()
	})
	require.NoError(t, err)
	assert.Equal(t, "a ends b ends joined a", strings.Join(log, " "))
}

// Stats counts a greenlet woken to run next among the runnable.
func TestSchedule_WokenCountsAsRunnable(t *testing.T) {
	h := schedHub(t, green.Schedule{}, nil)
	err := run(t, h, func() error {
		var w green.Waiter
		g := green.Spawn(func() error { return w.Wait() })
		green.Sleep(time.Second) // g waits
		assert.Equal(t, 0, h.Stats().Runnable)
		w.Wake()
		assert.Equal(t, 1, h.Stats().Runnable, "after waking one greenlet")
		return g.Join()
	})
	require.NoError(t, err)
}
