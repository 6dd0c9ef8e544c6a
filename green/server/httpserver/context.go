package httpserver

import (
	"context"
	"sync"

	"github.com/greenshim/greenshim/green"
)

// reqCtx is a request's context: its parent's values and deadline, ended
// when the handler returns, when the client goes away (a read or write on
// the connection fails), or when the parent ends.
//
// It starts watching the connection (connReader.startWatch) the first time
// someone asks whether it is done, with Done or Err: context.WithCancel
// and friends ask at once for their parent's Done, so a context derived
// from it counts as asking. Its methods may be called from any goroutine;
// the watch itself starts on the server's hub.
type reqCtx struct {
	context.Context // the parent: values, deadline

	w *response // hub-only use, through ask

	mu     sync.Mutex // guards the fields below
	done   chan struct{}
	err    error
	asked  bool
	afters map[*afterFunc]struct{}
	stop   func() bool // undoes the parent's AfterFunc
}

type afterFunc struct{ f func() }

// initReqCtx makes r w's context, under parent.
func initReqCtx(r *reqCtx, parent context.Context, w *response) *reqCtx {
	r.Context, r.w = parent, w
	if parent.Done() != nil {
		r.stop = context.AfterFunc(parent, func() { r.cancel(parent.Err()) })
	}
	return r
}

// Done copies context.Context's Done.
func (r *reqCtx) Done() <-chan struct{} {
	r.mu.Lock()
	if r.done == nil {
		r.done = make(chan struct{})
		if r.err != nil {
			close(r.done)
		}
	}
	d := r.done
	r.mu.Unlock()
	r.ask()
	return d
}

// Err copies context.Context's Err.
func (r *reqCtx) Err() error {
	r.mu.Lock()
	err := r.err
	r.mu.Unlock()
	if err == nil {
		r.ask()
	}
	return err
}

// AfterFunc arranges for f to run once r is done, the way context.AfterFunc
// and context.WithCancel attach to a parent without a goroutine of their
// own. It returns a func that undoes it, reporting whether it did so
// before f ran.
func (r *reqCtx) AfterFunc(f func()) func() bool {
	a := &afterFunc{f: f}
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	if r.afters == nil {
		r.afters = make(map[*afterFunc]struct{})
	}
	r.afters[a] = struct{}{}
	r.mu.Unlock()
	r.ask()
	return func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		_, ok := r.afters[a]
		delete(r.afters, a)
		return ok
	}
}

// cancel ends r with err (the first time only) and runs its AfterFuncs.
func (r *reqCtx) cancel(err error) {
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return
	}
	r.err = err
	if r.done != nil {
		close(r.done)
	}
	afters := r.afters
	r.afters = nil
	stop := r.stop
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
	for a := range afters {
		a.f()
	}
}

// ask starts the watch the first time it is called, on the server's hub.
func (r *reqCtx) ask() {
	r.mu.Lock()
	asked := r.asked
	r.asked = true
	r.mu.Unlock()
	if asked {
		return
	}
	h := r.w.c.srv.running.Load()
	if g := green.Current(); g != nil && g.Hub() == h {
		r.w.wantWatch()
		return
	}
	// From elsewhere (a plain goroutine the handler started): the hub
	// starts it between two of its greenlets' steps.
	h.Spawn(func() error {
		r.w.wantWatch()
		return nil
	})
}

func (r *reqCtx) String() string { return "httpserver request context" }
