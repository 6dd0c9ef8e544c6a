package buggify_test

import (
	"errors"
	"fmt"

	"github.com/greenshim/greenshim/green/sim/buggify"
)

// A write path with a fault point: in a simulated run the point may be
// enabled, and then fails some writes; outside one (nil) it never does.
func Example() {
	write := func(points *buggify.Points) error {
		if points.Fire("store.write-fails") {
			return errors.New("injected")
		}
		return nil
	}

	var production *buggify.Points
	fmt.Println("production:", write(production))

	points, err := buggify.New(7, buggify.Options{EnableRate: 1, FireRate: 0.5})
	if err != nil {
		panic(err)
	}
	failed := 0
	for range 100 {
		if write(points) != nil {
			failed++
		}
	}
	points.Fire("store.fsync-slow")
	fmt.Println("simulated failures:", failed)
	fmt.Print(points.Report())
	// Output:
	// production: <nil>
	// simulated failures: 51
	// buggify: seed=7 enable_rate=1 fire_rate=0.5 points=2 enabled=2
	//   on  store.fsync-slow evaluated=1 fired=0
	//   on  store.write-fails evaluated=100 fired=51
}
