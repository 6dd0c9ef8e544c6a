package green

import "unsafe"

// Inherited is greenlet-local storage that a greenlet's children inherit:
// a greenlet spawned by a greenlet (Spawn, SpawnValue, SpawnLater, Raw, and
// so Pool's and Group's Spawn) starts with the values its spawner had at
// the spawn. Setting a value afterwards changes only the setter's. It is
// how a simulated world knows which host a greenlet runs on: greenlets
// spawned through a host carry it, and so do their children.
//
// Greenlets started by a plain goroutine, Link callbacks and outside calls
// inherit nothing. The zero value is ready to use. Get, Lookup and Set must
// be called from a greenlet; Of from a greenlet of g's hub, or in its hub
// context (Trace.Host).
type Inherited[T any] struct {
	_ byte // a distinct address per Inherited: it is the key
}

// Get returns the calling greenlet's value, the zero T if it has none.
func (l *Inherited[T]) Get() T {
	v, _ := l.Lookup()
	return v
}

// Lookup returns the calling greenlet's value and whether it has one.
func (l *Inherited[T]) Lookup() (T, bool) {
	g := Current()
	if g == nil {
		panic("green: Inherited used outside a greenlet")
	}
	return l.of(g)
}

// Of returns g's value and whether it has one.
func (l *Inherited[T]) Of(g *Greenlet) (T, bool) {
	g.check("Inherited.Of")
	return l.of(g)
}

func (l *Inherited[T]) of(g *Greenlet) (T, bool) {
	key := unsafe.Pointer(l)
	for e := g.inh; e != nil; e = e.next {
		if e.key == key {
			return e.val.(T), true
		}
	}
	var zero T
	return zero, false
}

// Set sets the calling greenlet's value, which the greenlets it spawns from
// now on inherit.
func (l *Inherited[T]) Set(v T) {
	g := Current()
	if g == nil {
		panic("green: Inherited used outside a greenlet")
	}
	g.inh = g.inh.with(unsafe.Pointer(l), v)
}

// inherited is one Inherited value of a greenlet, in a list its children
// share: a list, not a map, because a program has a handful of Inherited
// variables, and a greenlet spawned through a simulated host sets two of
// them, so a spawn costs two small nodes where maps cost two tables.
// Lists are never modified: Set builds a new one.
type inherited struct {
	key  unsafe.Pointer // the *Inherited[T]
	val  any
	next *inherited
}

// with returns a copy of list l in which key has value v.
func (l *inherited) with(key unsafe.Pointer, v any) *inherited {
	head := &inherited{key: key, val: v}
	tail := head
	for e := l; e != nil; e = e.next {
		if e.key != key {
			tail.next = &inherited{key: e.key, val: e.val}
			tail = tail.next
		}
	}
	return head
}

// inherit gives g, new, the inherited values of its spawner c (nil for a
// plain goroutine). Hub context.
func inherit(g, c *Greenlet) {
	if c != nil {
		g.inh = c.inh
	}
}
