package green

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
	if g.x != nil {
		if v, ok := g.x.inherit[l]; ok {
			return v.(T), true
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
	x := g.ext()
	// Copy on write: children share their spawner's map.
	m := make(map[any]any, len(x.inherit)+1)
	for k, v := range x.inherit {
		m[k] = v
	}
	m[l] = v
	x.inherit = m
}

// inherit gives g, new, the inherited values of its spawner c (nil for a
// plain goroutine). Hub context.
func inherit(g, c *Greenlet) {
	if c != nil && c.x != nil && c.x.inherit != nil {
		g.ext().inherit = c.x.inherit
	}
}
