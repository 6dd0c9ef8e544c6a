package green_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// A recover in a greenlet sees kills and timeouts as Unwinding, and the
// program's own panics as not; panicking again lets the kill or timeout
// go on.
func TestUnwinding(t *testing.T) {
	sleep := func() { green.Sleep(time.Hour) }
	cases := []struct {
		name   string
		around func(func() error) error // what encloses the recover
		wait   func()
		then   func(g *green.Greenlet) // what the main greenlet does
		unwind bool
		check  func(t *testing.T, g *green.Greenlet)
	}{
		{"kill", func(f func() error) error { return f() }, sleep, (*green.Greenlet).Kill, true,
			func(t *testing.T, g *green.Greenlet) { assert.True(t, g.Killed()) }},
		{"timeout", func(f func() error) error { return green.WithTimeout(time.Millisecond, f) }, sleep, func(g *green.Greenlet) { g.Join() }, true,
			func(t *testing.T, g *green.Greenlet) { assert.ErrorIs(t, g.Err(), green.ErrTimeout) }},
		{"panic", func(f func() error) error { return f() }, func() { panic("boom") }, func(g *green.Greenlet) { g.Join() }, false,
			func(t *testing.T, g *green.Greenlet) { assert.NoError(t, g.Err(), "recovered") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := green.New(green.Options{})
			defer h.Close()
			var saw *bool
			var g *green.Greenlet
			require.NoError(t, h.Run(func() error {
				g = green.Spawn(func() error {
					return c.around(func() error {
						defer func() {
							v := recover()
							u := green.Unwinding(v)
							saw = &u
							if u {
								panic(v)
							}
						}()
						c.wait()
						return nil
					})
				})
				green.Yield()
				c.then(g)
				return nil
			}))
			require.NotNil(t, saw)
			assert.Equal(t, c.unwind, *saw)
			c.check(t, g)
		})
	}
}
