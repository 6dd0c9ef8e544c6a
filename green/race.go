//go:build race

package green

import (
	"runtime"
	"unsafe"
)

// The race detector cannot see what orders a detached greenlet's last
// writes to hub state before the goroutine that takes the hub over: the
// runtime's own record of the greenlet's park, which the monitor reads
// (handoff_rt.go). These annotations tell it: every goroutine that gives
// the hub away releases, every one that takes it over acquires.

func raceReleaseHub(h *Hub) { runtime.RaceReleaseMerge(unsafe.Pointer(&h.ho.raceSync)) }
func raceAcquireHub(h *Hub) { runtime.RaceAcquire(unsafe.Pointer(&h.ho.raceSync)) }

// stackGuard is the runtime's stack guard (see stack.go): the race
// detector doubles its nosplit part.
const stackGuard = 1728
