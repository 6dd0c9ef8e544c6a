package green_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// TestTimerHeap_Order: whatever the deadlines (ties, reversed, random) and
// whichever timers are disarmed, the heap hands the rest out by deadline,
// ties in arming order, and keeps every timer's index right.
func TestTimerHeap_Order(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name  string
		whens []int64
		drop  []int
	}{
		{"empty", nil, nil},
		{"one", []int64{5}, nil},
		{"one dropped", []int64{5}, []int{0}},
		{"ties", []int64{3, 3, 3, 3, 3, 3, 3}, []int{2}},
		{"reversed", []int64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, []int{0, 9}},
		{"random", nil, nil},
	}
	for range 1000 {
		tests[len(tests)-1].whens = append(tests[len(tests)-1].whens, rng.Int64N(50))
	}
	for i := 0; i < 1000; i += 7 {
		tests[len(tests)-1].drop = append(tests[len(tests)-1].drop, i)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := green.TimerHeapRun(tt.whens, tt.drop)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for i := range tt.whens {
				if !slices.Contains(tt.drop, i) {
					want = append(want, i)
				}
			}
			slices.SortStableFunc(want, func(a, b int) int {
				return int(tt.whens[a] - tt.whens[b])
			})
			if !slices.Equal(got, want) {
				t.Errorf("order %v, want %v", got, want)
			}
		})
	}
}
