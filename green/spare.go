package green

import (
	"bytes"
	"runtime"
	"sync"
	"time"
)

// Idle workers outlive their hub for a moment. A hub that trims its idle
// workers, or closes, hands them to a process-wide spare list; a hub that
// needs a worker takes one there before it makes one. A program that makes
// hub after hub (a test suite of simulated worlds, the iterations of a
// benchmark) then reuses coroutines and their stacks, instead of making and
// stopping thousands for each hub: a new worker costs iter.Pull's four or so
// allocations, and a worker made and stopped three coroutine switches. In
// BenchmarkEcho/sim/clients=10000 (a new world per iteration, 20,000
// greenlets each) that was 39% of all allocations.
//
// The list is bounded (maxSpare), and a timer stops the workers left in it
// once it has gone unused for spareLinger to 2*spareLinger. A program whose
// hubs have all closed is soon left with no coroutine of this package,
// which is what leak checkers such as goleak (which retry for about 400ms)
// look for.
//
// A coroutine belongs to the testing/synctest bubble of the goroutine that
// made it, and must not run for a hub outside that bubble: a hub made
// inside a bubble keeps its workers to itself (Hub.shares is false).
const (
	maxSpare    = 1 << 15
	spareLinger = 50 * time.Millisecond
)

var spare struct {
	mu    sync.Mutex
	ws    []*worker
	uses  uint64      // puts and takes; the drain timer compares it
	seen  uint64      // uses when the drain timer last looked
	timer *time.Timer // armed while ws is not empty
}

// takeSpare returns a spare worker, or nil.
func takeSpare() *worker {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	n := len(spare.ws)
	if n == 0 {
		return nil
	}
	w := spare.ws[n-1]
	spare.ws[n-1] = nil
	spare.ws = spare.ws[:n-1]
	spare.uses++
	return w
}

// putSpare keeps w, idle and forgotten by its hub, for another hub, and
// reports whether it did; if not, the caller stops w.
func putSpare(w *worker) bool {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	if len(spare.ws) >= maxSpare {
		return false
	}
	spare.ws = append(spare.ws, w)
	spare.uses++
	if spare.timer == nil {
		spare.seen = spare.uses
		spare.timer = time.AfterFunc(spareLinger, drainSpare)
	}
	return true
}

// drainSpare stops the spare workers if the list went unused since the
// timer last looked, and otherwise looks again later. On the timer's
// goroutine.
func drainSpare() {
	spare.mu.Lock()
	if spare.uses != spare.seen && len(spare.ws) > 0 {
		spare.seen = spare.uses
		spare.timer.Reset(spareLinger)
		spare.mu.Unlock()
		return
	}
	ws := spare.ws
	spare.ws = nil
	spare.timer = nil
	spare.mu.Unlock()
	for _, w := range ws {
		w.stop()
	}
}

// inBubble reports whether the calling goroutine is in a testing/synctest
// bubble. No API says so; the runtime's traceback names the bubble in the
// goroutine's header ("goroutine 7 [running, synctest bubble 1]:"). A
// header that cannot be read counts as in a bubble: then the hub only
// keeps its workers to itself, as it did before the spare list.
func inBubble() bool {
	var buf [256]byte
	n := runtime.Stack(buf[:], false)
	head, _, ok := bytes.Cut(buf[:n], []byte("\n"))
	if !ok || !bytes.HasPrefix(head, []byte("goroutine ")) || !bytes.HasSuffix(head, []byte("]:")) {
		return true
	}
	return bytes.Contains(head, []byte("synctest bubble"))
}
