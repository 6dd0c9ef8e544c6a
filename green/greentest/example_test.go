package greentest_test

import (
	"fmt"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/greentest"
)

// Find sweeps seeds for a planted bug: two greenlets race for a counter
// under seeded random scheduling; FIFO never interleaves them.
func ExampleFind() {
	counter := func(seed uint64) int {
		h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Schedule: green.Schedule{Policy: green.Random, Seed: seed}})
		defer h.Close()
		n := 0
		h.Run(func() error {
			a := green.Spawn(func() error { v := n; green.Yield(); n = v + 1; return nil })
			b := green.Spawn(func() error { green.Yield(); n++; return nil })
			_, err := green.JoinAll([]*green.Greenlet{a, b}, green.JoinOptions{})
			return err
		})
		return n
	}
	seed, err := greentest.Find(greentest.Range(1, 100), func(seed uint64) error {
		if n := counter(seed); n != 2 {
			return fmt.Errorf("counter is %d, want 2", n)
		}
		return nil
	})
	fmt.Printf("found_seed=%d: %v\n", seed, err)
	fmt.Printf("replay: counter is %d\n", counter(seed))
	// Output:
	// found_seed=2: counter is 1, want 2
	// replay: counter is 1
}
