package green

import (
	"bytes"
	"reflect"
	"runtime"
	"strconv"
)

// Go gives another goroutine's stack only in a dump of every goroutine
// (runtime.Stack with all set), which stops the world for its length. So
// Info, Dump and the blocking monitor take one dump and find each worker's
// stack in it through workerStacks, in one pass: looking each worker up by
// scanning the whole dump made Info quadratic in started greenlets.

// bodyFrame is the name of the frame every worker's goroutine runs its
// greenlets under, with its opening parenthesis; the first argument in that
// frame is the worker's address (its receiver).
var bodyFrame = runtime.FuncForPC(reflect.ValueOf((*worker).body).Pointer()).Name() + "("

// goroutineStacks returns the stacks of the workers' goroutines, keyed by
// the worker's address, from one dump of every goroutine.
func goroutineStacks() map[uintptr]string {
	return workerStacks(dumpAll())
}

// dumpAll returns the stacks of every goroutine, as runtime.Stack writes
// them. Every try dumps them all, so the first buffer is sized to the
// goroutines there are (a kilobyte or two each) rather than grown from small.
func dumpAll() []byte {
	buf := make([]byte, max(1<<16, runtime.NumGoroutine()<<11))
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// workerStacks maps each worker's address to its goroutine's stack, found
// in dump (runtime.Stack's text of all goroutines: blocks separated by a
// blank line) by the receiver of the worker's body frame. It reads dump
// once and copies only the workers' blocks, so that the stacks it returns
// do not keep the whole dump alive; a goroutine without a body frame is no
// worker's and is skipped.
func workerStacks(dump []byte) map[uintptr]string {
	out := make(map[uintptr]string)
	sep, frame := []byte("\n\n"), []byte(bodyFrame)
	for d := dump; len(d) > 0; {
		block, rest, _ := bytes.Cut(d, sep)
		d = rest
		i := bytes.LastIndex(block, frame)
		if i < 0 {
			continue
		}
		arg := block[i+len(frame):]
		// "0xc000012345, ..." or, for a value Go may print stale,
		// "0xc000012345?, ...".
		if j := bytes.IndexAny(arg, ",)?"); j >= 0 {
			arg = arg[:j]
		}
		if addr, err := strconv.ParseUint(string(arg), 0, 64); err == nil {
			out[uintptr(addr)] = string(block)
		}
	}
	return out
}

// greenletStack returns the stack of g's goroutine from stacks (see
// goroutineStacks), or a note saying why there is none.
func greenletStack(g *Greenlet, stacks map[uintptr]string) string {
	w := g.w
	if w == nil {
		return "(not started)"
	}
	if s := w.stackIn(stacks); s != "" {
		return s
	}
	return "(stack not found)"
}
