package green

import "runtime/debug"

// Native runs fn, a native blocking call (cgo, a direct syscall, a Go
// channel or mutex, time.Sleep), on a goroutine of its own with the hub
// released: the calling greenlet waits, the others run. It returns fn's
// error (a panic in fn becomes a *PanicError). Unlike the ThreadPool it does
// not bound how many run at once. Called from an outside goroutine it just
// calls fn.
func (h *Hub) Native(fn func() error) error {
	c := h.current()
	if c == nil {
		_, err := runNative(func() (any, error) { return nil, fn() })
		return err
	}
	r := &AsyncResult{}
	r.b.bind(h, "AsyncResult")
	h.ext++
	go func() {
		v, err := runNative(func() (any, error) { return nil, fn() })
		h.postInternal(func() {
			h.ext--
			r.set(v, err)
		})
	}()
	// A timeout or kill ends the wait, not fn: the region keeps the hub
	// counting it until fn returns.
	_, err := r.Get()
	return err
}

// Native is (*Hub).Native on the caller's hub.
func Native(fn func() error) error { return hubOf().Native(fn) }

// runNative calls fn, turning a panic into a *PanicError.
func runNative(fn func() (any, error)) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}
