// Command queueorder shows the seed's surprise: a Put that hands an item to
// a waiting getter does not switch to it. The putter runs on until it waits
// or yields, so a putter that puts three items in a row fills the queue
// before the getter sees any; one that yields after each Put lets the
// getter take each item at once.
//
// This is gevent's behaviour and greenshim keeps it: a hub switches only
// where a greenlet waits, never behind its back, which is what makes shared
// state safe without locks. The Put only marks the getter runnable; it runs
// at the putter's next wait or Yield.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/greenshim/greenshim/green"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "queueorder:", err)
		os.Exit(2)
	}
}

func run(w io.Writer) error {
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
