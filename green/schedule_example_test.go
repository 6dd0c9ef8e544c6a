package green_test

import (
	"fmt"
	"time"

	"github.com/greenshim/greenshim/green"
)

// deposit is the planted data race: a read-modify-write across a Yield.
// deposit reads the balance, yields (as a log write would) and writes back
// what it read plus 10; interest, spawned after it, yields once and then
// adds 1 in one step. If interest's step lands between deposit's read and
// its write, the write loses it: 110 instead of 111. FIFO's rounds never
// put it there.
func deposit(s green.Schedule, tr *green.Trace) int {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Schedule: s, Trace: tr})
	defer h.Close()
	balance := 100
	h.Run(func() error {
		dep := green.Spawn(func() error {
			b := balance
			green.Yield()
			balance = b + 10
			return nil
		})
		interest := green.Spawn(func() error {
			green.Yield()
			balance++
			return nil
		})
		_, err := green.JoinAll([]*green.Greenlet{dep, interest}, green.JoinOptions{})
		return err
	})
	return balance
}

// PCT finds a data race that FIFO scheduling never shows, and its seed
// replays it: the same seed, the same schedule, the same lost update.
func ExampleSchedule_pct() {
	fmt.Println("fifo: balance", deposit(green.Schedule{}, nil))
	for seed := uint64(1); seed <= 100; seed++ {
		s := green.Schedule{Policy: green.PCT, Seed: seed}
		if b := deposit(s, nil); b != 111 {
			fmt.Printf("%v: balance %d, a lost update\n", s, b)
			fmt.Printf("replay %v: balance %d\n", s, deposit(s, nil))
			break
		}
	}
	// Output:
	// fifo: balance 111
	// pct seed=1 depth=3 steps=1000: balance 110, a lost update
	// replay pct seed=1 depth=3 steps=1000: balance 110
}
