// Package sim has simulated code: determinism matters too.
package sim

import (
	crand "crypto/rand"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green"
)

//greenshim:sim
func step(w io.Writer, m map[string]int, r *rand.Rand) {
	_ = rand.Intn(10) // want `rand.Intn uses math/rand's global source`
	_ = r.Intn(10)    // a seeded source: fine
	b := make([]byte, 8)
	_, _ = crand.Read(b)  // want `rand.Read differs on every run`
	_ = time.Now()        // want `time.Now reads the real clock`
	for k, v := range m { // want `map iteration order differs on every run, and this loop calls fmt.Fprintf in that order`
		fmt.Fprintf(w, "%s=%d\n", k, v)
	}
	for k := range m { // want `map iteration order differs .* spawns greenlets`
		green.Spawn(func() error { _ = k; return nil })
	}
	var keys []string
	for k := range m { // sorted afterwards: fine
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var vals []int
	for _, v := range m { // want `appends to vals, which is not sorted after it`
		vals = append(vals, v)
	}
	total := 0
	for _, v := range m { // order does not show
		total += v
	}
	_ = crand.Reader // want `crypto/rand.Reader differs on every run`
}

// Green code that is not simulated: determinism checks do not apply.
//
//greenshim:green
func greenOnly(m map[string]int) {
	_ = rand.Intn(10)
	for k := range m {
		fmt.Println(k)
	}
}
