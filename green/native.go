package green

import (
	"errors"
	"runtime/debug"
)

// errNativeGoexit is the result of a native function (a Native region, a
// thread-pool job) that called runtime.Goexit instead of returning.
var errNativeGoexit = errors.New("green: native function called runtime.Goexit (t.FailNow off the test goroutine?)")

// Native runs fn, a native blocking call (cgo, a direct syscall, a Go
// channel or mutex, time.Sleep), on a goroutine of its own with the hub
// released: the calling greenlet waits, the others run. It returns fn's
// error (a panic in fn becomes a *PanicError; a runtime.Goexit in fn, an
// error saying so). Unlike the ThreadPool it does not bound how many run at
// once. Called from an outside goroutine it just calls fn.
func (h *Hub) Native(fn func() error) error {
	if fn == nil {
		panic("green: Native of a nil function")
	}
	c := h.current()
	if c == nil {
		_, err := runNative(func() (any, error) { return nil, fn() })
		return err
	}
	r := &AsyncResult{}
	r.b.bind(h, "AsyncResult")
	h.ext++
	h.goNative(func() (any, error) { return nil, fn() }, func(v any, err error) {
		h.ext--
		r.set(v, err)
	})
	// A timeout or kill ends the wait, not fn: the region keeps the hub
	// counting it until fn returns.
	_, err := r.Get()
	return err
}

// Native is (*Hub).Native on the caller's hub.
func Native(fn func() error) error { return hubOf().Native(fn) }

// goNative runs fn on a goroutine of its own and then done, in hub context,
// with fn's result. done runs however fn ends, runtime.Goexit included: the
// caller counts fn in h.ext, and a completion never posted would keep the
// hub, and Close, waiting forever. The post cannot fail, as the hub does not
// close while h.ext counts fn.
func (h *Hub) goNative(fn func() (any, error), done func(v any, err error)) {
	go func() {
		var v any
		err := errNativeGoexit // unless fn returns or panics
		defer func() { h.post(func() { done(v, err) }) }()
		v, err = runNative(fn)
	}()
}

// runNative calls fn, turning a panic into a *PanicError.
func runNative(fn func() (any, error)) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}
