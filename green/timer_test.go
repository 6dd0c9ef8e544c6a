package green_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// model is the reference for the hub's timer queue: armed timers, handed
// out by deadline, ties in arming order.
type model struct{ armed map[int]int64 }

func (m *model) pop() int {
	best := -1
	for i, w := range m.armed {
		if best < 0 || w < m.armed[best] || w == m.armed[best] && i < best {
			best = i
		}
	}
	delete(m.armed, best)
	return best
}

// TestTimerQueue_Order: whatever the deadlines (ties, in order, reversed,
// random, one duration over and over as time moves) and whichever timers
// are disarmed meanwhile, the queue hands the rest out by deadline, ties
// in arming order, and keeps every timer's idx right, in its heap and in
// its run of timers armed in deadline order.
func TestTimerQueue_Order(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	arm := func(whens ...int64) []green.TimerQueueOp {
		var ops []green.TimerQueueOp
		for _, w := range whens {
			ops = append(ops, green.TimerQueueOp{When: w, Drop: -1})
		}
		return ops
	}
	pops := func(n int) []green.TimerQueueOp {
		return slices.Repeat([]green.TimerQueueOp{{Pop: true, Drop: -1}}, n)
	}
	drop := func(i int) green.TimerQueueOp { return green.TimerQueueOp{Drop: i} }
	tests := []struct {
		name string
		ops  []green.TimerQueueOp
	}{
		{"empty", pops(1)},
		{"one", append(arm(5), pops(2)...)},
		{"one dropped", append(arm(5), drop(0), pops(1)[0])},
		{"ties", append(append(arm(3, 3, 3, 3, 3, 3, 3), drop(2)), pops(7)...)},
		{"in order", append(append(arm(1, 2, 3, 4, 5, 6), drop(0), drop(3), drop(5)), pops(4)...)},
		{"reversed", append(append(arm(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), drop(0), drop(9)), pops(9)...)},
		{"earlier after later", append(arm(10, 20, 30, 15, 25, 5), pops(7)...)},
	}
	// One duration over and over while time moves, a few shorter ones
	// mixed in, some disarmed, some taken: the sleepers' and timeouts' case,
	// long enough for the run to be compacted.
	var steady []green.TimerQueueOp
	now := int64(0)
	for i := range 6000 {
		switch r := rng.IntN(10); {
		case r < 5:
			steady = append(steady, arm(now+1000)...)
		case r < 6:
			steady = append(steady, arm(now+rng.Int64N(1000))...)
		case r < 7 && i > 0:
			steady = append(steady, drop(rng.IntN(i)))
		default:
			steady = append(steady, pops(1)...)
			now++
		}
	}
	tests = append(tests, struct {
		name string
		ops  []green.TimerQueueOp
	}{"steady", append(steady, pops(6000)...)})
	var random []green.TimerQueueOp
	for i := range 3000 {
		switch r := rng.IntN(10); {
		case r < 6:
			random = append(random, arm(rng.Int64N(50))...)
		case r < 8 && i > 0:
			random = append(random, drop(rng.IntN(i)))
		default:
			random = append(random, pops(1)...)
		}
	}
	tests = append(tests, struct {
		name string
		ops  []green.TimerQueueOp
	}{"random", append(random, pops(3000)...)})

	// The run's blocks as they are, and of two entries, so that every case
	// crosses blocks and gives them back.
	for _, shift := range []int{10, 1} {
		t.Run(fmt.Sprintf("block=%d", 1<<shift), func(t *testing.T) {
			defer green.SetTimerRunShift(shift)()
			testTimerQueueOrder(t, tests)
		})
	}
}

func testTimerQueueOrder(t *testing.T, tests []struct {
	name string
	ops  []green.TimerQueueOp
}) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := green.TimerQueueRun(tt.ops)
			if err != nil {
				t.Fatal(err)
			}
			m := model{armed: map[int]int64{}}
			var want []int
			for i, op := range tt.ops {
				switch {
				case op.Pop:
					want = append(want, m.pop())
				case op.Drop >= 0:
					delete(m.armed, op.Drop)
				default:
					m.armed[i] = op.When
				}
			}
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("pop %d: got timer %d, want %d", i, got[i], want[i])
					}
				}
				t.Fatalf("%d pops, want %d", len(got), len(want))
			}
		})
	}
}
