package green_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/greenshim/greenshim/green"
)

// goid is the calling goroutine's id, from its traceback header. The
// runtime never gives an id twice, so two greenlets that report the same
// one ran on the same coroutine.
func goid() string {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	return f[1]
}

// runOnce runs n greenlets at once on a new hub, closes it, and returns
// the goroutine ids they and Run's main greenlet ran on.
func runOnce(t *testing.T, n int) map[string]bool {
	t.Helper()
	h := green.New(green.Options{})
	defer h.Close()
	ids := map[string]bool{}
	err := h.Run(func() error {
		ids[goid()] = true
		var all green.Event
		gs := make([]*green.Greenlet, n)
		for i := range gs {
			gs[i] = green.Spawn(func() error {
				ids[goid()] = true
				return all.Wait() // all n hold a worker at once
			})
		}
		green.Yield()
		all.Set()
		for _, g := range gs {
			if err := g.Join(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != n+1 {
		t.Fatalf("%d greenlets ran on %d coroutines, want one each", n+1, len(ids))
	}
	return ids
}

func overlap(a, b map[string]bool) int {
	k := 0
	for id := range a {
		if b[id] {
			k++
		}
	}
	return k
}

// A hub that closes hands its idle workers to the next hub, which runs its
// greenlets on the same coroutines instead of making new ones.
func TestSpare_NextHubReusesWorkers(t *testing.T) {
	const n = 50
	a := runOnce(t, n)
	b := runOnce(t, n)
	if k := overlap(a, b); k != n+1 {
		t.Fatalf("the second hub reused %d of the first hub's %d coroutines, want all", k, n+1)
	}
}

// Once no hub uses the spare list for a while, its workers are stopped:
// a program whose hubs have closed keeps no coroutine of green.
func TestSpare_DrainsWhenUnused(t *testing.T) {
	ids := runOnce(t, 20)
	deadline := time.Now().Add(10 * time.Second)
	for green.SpareWorkers() > 0 || alive(ids) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s the spare list still holds %d workers, and %d of the closed hub's coroutines live", green.SpareWorkers(), alive(ids))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive counts the goroutines of ids that still exist.
func alive(ids map[string]bool) int {
	k := 0
	for _, stack := range goroutineStacks() {
		if f := strings.Fields(string(stack)); len(f) > 1 && f[0] == "goroutine" && ids[f[1]] {
			k++
		}
	}
	return k
}

// A coroutine belongs to the synctest bubble of the goroutine that made
// it: a hub in a bubble must neither take the spare workers of hubs
// outside nor give its own to them.
func TestSpare_BubbleHubKeepsToItself(t *testing.T) {
	if green.InBubble() {
		t.Fatal("inBubble says a test's goroutine is in a synctest bubble")
	}
	outside := runOnce(t, 20)
	var inside map[string]bool
	synctest.Test(t, func(t *testing.T) {
		if !green.InBubble() {
			t.Fatal("inBubble says a goroutine in a synctest bubble is not in one")
		}
		h := green.New(green.Options{})
		if green.HubShares(h) {
			t.Error("a hub made in a synctest bubble shares workers with hubs outside it")
		}
		h.Close()
		inside = runOnce(t, 20)
	})
	if k := overlap(outside, inside); k != 0 {
		t.Fatalf("a hub in a synctest bubble ran greenlets on %d coroutines of a hub outside it", k)
	}
	if h := green.New(green.Options{}); !green.HubShares(h) {
		h.Close()
		t.Fatal("a hub made outside any bubble does not share workers")
	} else {
		h.Close()
	}
}

// Hubs on several goroutines at once trim to and take from the spare list
// while their greenlets run: each greenlet still runs its own function once,
// on a coroutine no other live greenlet has (the race detector watches the
// hand-overs).
func TestSpare_ConcurrentHubs(t *testing.T) {
	const hubs, perHub, greenlets = 4, 10, 40
	var live sync.Map // goroutine id -> true while a greenlet of any hub runs on it
	errs := make(chan error, hubs)
	for range hubs {
		go func() {
			for range perHub {
				h := green.New(green.Options{})
				err := h.Run(func() error {
					var all green.Event
					got := make([]int, greenlets)
					gs := make([]*green.Greenlet, greenlets)
					for i := range gs {
						gs[i] = green.Spawn(func() error {
							id := goid()
							if _, taken := live.LoadOrStore(id, true); taken {
								return fmt.Errorf("two live greenlets on goroutine %s", id)
							}
							defer live.Delete(id)
							got[i]++
							return all.Wait()
						})
					}
					green.Yield()
					all.Set()
					for i, g := range gs {
						if err := g.Join(); err != nil {
							return err
						}
						if got[i] != 1 {
							return fmt.Errorf("greenlet %d ran %d times", i, got[i])
						}
					}
					return nil
				})
				h.Close()
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range hubs {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the hubs did not finish within 60s")
		}
	}
}
