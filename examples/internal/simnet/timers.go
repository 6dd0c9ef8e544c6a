package simnet

import (
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
)

// sleepers is how many greenlets (goroutines) share the timer events.
const sleepers = 100

// period is sleeper i's sleep: 1ms plus i+1 microseconds apart, so that
// the wakes of different sleepers seldom fall on the same instant.
func period(i int) time.Duration { return time.Millisecond + time.Duration(i+1)*time.Microsecond }

// hubTimers has 100 greenlets on a virtual hub sleep events/100 times
// each, and returns the wall time.
func hubTimers(events int) (time.Duration, error) {
	h := newHub()
	defer h.Close()
	each := events / sleepers
	start := time.Now()
	err := h.Run(func() error {
		gs := make([]*green.Greenlet, sleepers)
		for i := range gs {
			d := period(i)
			gs[i] = green.Spawn(func() error {
				for range each {
					h.Sleep(d)
				}
				return nil
			})
		}
		_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
		return err
	})
	return time.Since(start), err
}

// synctestTimers has 100 goroutines in a synctest bubble do the same
// sleeps with time.Sleep.
func synctestTimers(events int) (time.Duration, error) {
	each := events / sleepers
	return inBubble("synctestTimers", func() {
		var wg sync.WaitGroup
		for i := range sleepers {
			d := period(i)
			wg.Go(func() {
				for range each {
					time.Sleep(d)
				}
			})
		}
		wg.Wait()
	})
}
