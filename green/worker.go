package green

import (
	"iter"
	"sync/atomic"
	"unsafe"
)

// worker is a coroutine (iter.Pull) that runs greenlets one after another.
// A greenlet gets a worker, and so a stack, only when it first runs, and gives
// it back when it ends: a program that spawns a million greenlets at once
// holds a stack only for those that have started and not yet finished.
//
// The hub resumes a worker with next and the worker hands control back with
// yield: both are runtime.coroswitch, a direct goroutine-to-goroutine switch
// that involves no scheduler queue and no lock.
type worker struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	gid   atomic.Uintptr // getg() of the coroutine's goroutine, from its first run; 0 before
	g     *Greenlet      // the greenlet to run next, or running
	dead  bool           // its greenlet called runtime.Goexit: never reused
	stack int            // the stack reserveStack made it (a GC may shrink it since: then a greenlet grows it again)
}

// newWorker makes a worker whose coroutine has not run: its first next runs
// the greenlet set in g. (Running it to a first yield here, to know its
// gid early, cost two more switches per new worker: 7% of a
// million sleepers' run. Readers of gid take 0 as "not yet run".)
func newWorker() *worker {
	w := &worker{}
	w.next, w.stop = iter.Pull(w.body)
	return w
}

func (w *worker) body(yield func(struct{}) bool) {
	w.yield = yield
	w.gid.Store(getg())
	for {
		if s := w.g.h.stack; s > w.stack {
			reserveStack(s)
			w.stack = s
		}
		w.g.run()
		w.g = nil
		if !yield(struct{}{}) {
			return
		}
	}
}

// retire disposes of a worker whose greenlet called runtime.Goexit. Its
// coroutine is suspended inside the Goexit; stopping it lets the Goexit
// finish, and iter.Pull then propagates the Goexit to whoever called stop.
// So stop runs on a throwaway goroutine, which the Goexit ends.
func (w *worker) retire() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.stop()
	}()
	<-done
}

// stackIn returns the stack of w's goroutine from stacks (see
// goroutineStacks), or "" if it is not there.
func (w *worker) stackIn(stacks map[uintptr]string) string {
	return stacks[uintptr(unsafe.Pointer(w))]
}
