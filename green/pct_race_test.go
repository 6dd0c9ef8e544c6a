package green_test

import (
	"fmt"
	"testing"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/greentest"
)

// The planted race (deposit, in schedule_example_test.go): FIFO never
// shows it, whatever the seed; PCT finds it within 100 seeds, and the seed
// that found it replays it, event for event.
func TestPCT_FindsPlantedRace(t *testing.T) {
	seeds := greentest.Range(1, 100)
	check := func(s green.Schedule) func(seed uint64) error {
		return func(seed uint64) error {
			s.Seed = seed
			if b := deposit(s, nil); b != 111 {
				return fmt.Errorf("balance %d, want 111: a lost update", b)
			}
			return nil
		}
	}
	if seed, err := greentest.Find(seeds, check(green.Schedule{})); err != nil {
		t.Fatalf("FIFO showed the race at seed %d: %v", seed, err)
	}
	seed, err := greentest.Find(seeds, check(green.Schedule{Policy: green.PCT}))
	if err == nil {
		t.Fatal("PCT did not find the race within 100 seeds")
	}
	s := green.Schedule{Policy: green.PCT, Seed: seed}
	t.Logf("PCT found it: %v: %v", s, err)
	if b := deposit(s, nil); b != 110 {
		t.Errorf("replaying %v gave balance %d, want the lost update (110)", s, b)
	}
	greentest.Replays(t, func(tr *green.Trace) { deposit(s, tr) })

	found := 0
	for _, seed := range seeds {
		if check(green.Schedule{Policy: green.PCT})(seed) != nil {
			found++
		}
	}
	t.Logf("PCT shows the race in %d of 100 seeds", found)
}
