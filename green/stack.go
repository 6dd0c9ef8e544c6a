package green

import "fmt"

// A greenlet runs on a goroutine's stack, which the runtime starts small
// (2 KiB for a new goroutine; for a recycled one, the average the last GC
// saw) and grows by copying it whole, frame by frame, into one twice the
// size. A deep call made on a small stack therefore pays for every frame
// under it. Options.StackSize lets a hub whose greenlets are known to go
// deep (a simulated network's dial) grow each stack before its greenlet
// runs, while the stack holds only the worker's few frames: one cheap
// copy instead of an expensive one later.
//
// reserveStack does it by calling a function whose frame needs the room:
// with its frame of 3/4 of the size the runtime must grow a stack of half
// the size (or less) and stops at the size, as long as the worker's frames
// under it take under a quarter of it, which they do (a few hundred bytes).
// On a stack already that large the call only clears its frame.

// maxStackSize bounds Options.StackSize.
const maxStackSize = 32 << 10

// stackGuard (norace.go, race.go) is the runtime's stack guard on Linux,
// macOS and most other ports (stackNosplit plus stackSystem plus
// stackSmall, the first doubled under the race detector): how close to the
// end of its stack a frame may come before the runtime grows it. Where it
// is larger (Windows) a stack may come out one size larger than asked;
// nothing else changes.

// stackSize rounds n (1 to maxStackSize) up to the sizes reserveStack
// makes: a power of two, at least 4 KiB.
func stackSize(n int) int {
	s := 4 << 10
	for s < n {
		s <<= 1
	}
	return s
}

func validStackSize(n int) {
	if n < 0 || n > maxStackSize {
		panic(fmt.Sprintf("green: Options.StackSize is %d; want 0 (the runtime's choice) to %d bytes", n, maxStackSize))
	}
}

// reserveStack grows the calling goroutine's stack to at least size (as
// stackSize rounds it), if it is smaller.
func reserveStack(size int) {
	switch size {
	case 4 << 10:
		reserve4K()
	case 8 << 10:
		reserve8K()
	case 16 << 10:
		reserve16K()
	default:
		reserve32K()
	}
}

//go:noinline
func reserve4K() {
	var b [3*(4<<10)/4 - stackGuard]byte
	keep(b[:])
}

//go:noinline
func reserve8K() {
	var b [3*(8<<10)/4 - stackGuard]byte
	keep(b[:])
}

//go:noinline
func reserve16K() {
	var b [3*(16<<10)/4 - stackGuard]byte
	keep(b[:])
}

//go:noinline
func reserve32K() {
	var b [3*(32<<10)/4 - stackGuard]byte
	keep(b[:])
}

// keep makes its argument live, so that the frame holding it stays.
//
//go:noinline
func keep([]byte) {}
