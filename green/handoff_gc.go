package green

import (
	"runtime"
	"strings"
)

// A greenlet that allocates can wait inside the runtime's own machinery:
// an allocation that starts a garbage collection waits for the cycle
// another goroutine is starting (runtime.gcStart's startSema), for the
// world to stop (worldsema), for a GC assist's credit. Such a wait reads
// as a foreign one (wait reason "semacquire") and can outlast HandoffAfter
// under memory pressure, but it is not a wait the hub could hand off: no
// library's goroutine is being waited for, a stopped world stops the hub's
// other greenlets too, and a detach would make a virtual-clock run depend
// on when the collector ran. So the monitor never detaches a greenlet
// whose wait is the runtime's own; a long one is reported as a hold, like
// a computation.
//
// runtime.GC, debug.FreeOSMemory and runtime.ReadMemStats called by user
// code are treated the same: they are deliberate blocking calls, but what
// they wait for is the collector and the stopped world, work of the whole
// process, not a goroutine of a library that other greenlets could make
// progress beside.

// runtimeWaits are the runtime's functions through which a wait of its own
// passes: the collector's and stop-the-world's entry points, and the
// allocator (runtime.mallocgc and its size-class variants, matched by
// prefix). They are named rather than the runtime's internal semaphore
// (runtime.semacquire), whose callers also include the tracer, which waits
// there for its reader goroutine: that wait stays foreign, as do library
// semaphores (sync, internal/poll), which reach the same semacquire1
// through entry points named for their own packages.
var runtimeWaits = map[string]bool{
	"runtime.GC":             true,
	"runtime.gcStart":        true,
	"runtime.gcWaitOnMark":   true,
	"runtime.gcMarkDone":     true,
	"runtime.gcAssistAlloc":  true,
	"runtime.gcParkAssist":   true,
	"runtime.stopTheWorld":   true,
	"runtime.stopTheWorldGC": true,
}

// runtimeOwnWait reports whether the innermost frames of a stopped
// goroutine (innermost first) that belong to package runtime pass through
// one of runtimeWaits: the wait is the runtime's own.
func runtimeOwnWait(frames []runtime.Frame) bool {
	for _, f := range frames {
		if funcPkg(f.Function) != "runtime" {
			return false
		}
		if runtimeWaits[f.Function] || strings.HasPrefix(f.Function, "runtime.mallocgc") {
			return true
		}
	}
	return false
}
