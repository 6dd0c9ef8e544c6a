// Package queueorder is the body of the example command queueorder (examples/queueorder),
// kept importable so that the tour can run it too. See that command.
package queueorder

import (
	"fmt"
	"io"
	"time"

	"github.com/greenshim/greenshim/green"
)

func Run(w io.Writer) error {
	for _, yield := range []bool{false, true} {
		h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
		if yield {
			fmt.Fprintln(w, "== putter yields after each Put")
		} else {
			fmt.Fprintln(w, "== putter puts three items without yielding")
		}
		err := h.Run(func() error {
			q := green.NewQueue[int](0).Bind(h)
			getter := h.Spawn(func() error {
				for range 3 {
					v, err := q.Get()
					if err != nil {
						return err
					}
					fmt.Fprintf(w, "  got %d\n", v)
				}
				return nil
			})
			h.Yield() // let the getter start and wait in Get
			for i := range 3 {
				fmt.Fprintf(w, "  put %d\n", i)
				if err := q.Put(i); err != nil {
					return err
				}
				if yield {
					h.Yield()
				}
			}
			return getter.Join()
		})
		h.Close()
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "A Put wakes the waiting getter but does not switch to it: the getter runs at the putter's next wait or Yield.")
	return nil
}
