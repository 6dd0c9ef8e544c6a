package green

// Local is greenlet-local storage, as gevent.local: each greenlet sees its
// own value, the zero T until it sets one. The zero value is ready to use.
// Its methods must be called from a greenlet; a greenlet's values go away
// when it ends.
type Local[T any] struct {
	_ byte // a distinct address per Local: it is the key
}

func (l *Local[T]) store() map[any]any {
	g := Current()
	if g == nil {
		panic("green: Local used outside a greenlet")
	}
	x := g.ext()
	if x.locals == nil {
		x.locals = make(map[any]any)
	}
	return x.locals
}

// Get returns the calling greenlet's value.
func (l *Local[T]) Get() T {
	v, _ := l.Lookup()
	return v
}

// Lookup returns the calling greenlet's value and whether it set one.
func (l *Local[T]) Lookup() (T, bool) {
	v, ok := l.store()[l]
	if !ok {
		var zero T
		return zero, false
	}
	return v.(T), true
}

// Set sets the calling greenlet's value.
func (l *Local[T]) Set(v T) { l.store()[l] = v }

// Delete removes the calling greenlet's value.
func (l *Local[T]) Delete() { delete(l.store(), l) }
