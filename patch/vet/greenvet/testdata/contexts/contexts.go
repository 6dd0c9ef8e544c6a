// Package contexts shows how the analyzer decides which code is green.
package contexts

import (
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
)

// A function of the package passed by name.
func worker() error {
	time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: passed to green.Spawn at contexts.go:17\]`
	return nil
}

func byName() { green.Spawn(worker) }

// A method value.
type server struct{}

func (s *server) serve() error {
	time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: passed to \(\*green.Hub\).Spawn at contexts.go:27\]`
	return nil
}

func methodValue(h *green.Hub, s *server) { h.Spawn(s.serve) }

// A literal assigned once to a local variable.
func localVar(h *green.Hub) {
	f := func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: passed to \(\*green.Hub\).Run at contexts.go:35\]`
		return nil
	}
	h.Run(f)
}

// A variable assigned twice could hold anything: not followed.
func twice(h *green.Hub, other func() error) { // want twice:"uses time.Sleep"
	f := func() error {
		time.Sleep(time.Second)
		return nil
	}
	f = other
	h.Run(f)
}

// Literals returned by a function of the package, as a worker factory.
func named(name string) func() error {
	return func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: passed to \(\*green.Group\).Spawn at contexts.go:56\]`
		return nil
	}
}

func factory(g *green.Group) { g.Spawn(named("a")) }

// A helper that spawns its parameters is an entry point itself.
func all(g *green.Group, fs ...func() error) error { // want all:"runs param 1 in a greenlet"
	for _, f := range fs {
		g.Spawn(f)
	}
	return g.Join()
}

func viaHelper(g *green.Group) error {
	return all(g, func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: passed to contexts.all at contexts.go:67\]`
		return nil
	})
}

// What green code calls in its package is green; literals it calls,
// defers and passes to the package's functions are too.
func helper() {
	time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: called from calls at contexts.go:86\]`
}

func run(f func()) { f() }

func calls(once *sync.Once) {
	green.Spawn(func() error {
		defer func() {
			time.Sleep(time.Second) // want `time.Sleep bypasses`
		}()
		helper()
		run(func() {
			time.Sleep(time.Second) // want `time.Sleep bypasses`
		})
		once.Do(func() {
			time.Sleep(time.Second) // want `time.Sleep bypasses`
		})
		return green.WithTimeout(time.Second, func() error {
			time.Sleep(time.Second) // want `time.Sleep bypasses`
			return nil
		})
	})
}

// Code that runs with the hub released, in goroutines, or who knows where
// is not green.
func notGreen(h *green.Hub, handlers map[string]func()) {
	h.Spawn(func() error {
		_ = h.Native(func() error {
			time.Sleep(time.Second) // a native region: the hub is released
			return nil
		})
		_, _ = h.ThreadPool().Apply(func() (any, error) {
			time.Sleep(time.Second)
			return nil, nil
		})
		go func() { // want `go statement`
			time.Sleep(time.Second) // a goroutine's body: the go statement is the finding
		}()
		handlers["x"] = func() {
			time.Sleep(time.Second) // stored: where it runs cannot be seen
		}
		time.AfterFunc(time.Second, func() { // want `time.AfterFunc bypasses`
			time.Sleep(time.Second) // handed to another package's function: not followed
		})
		return nil
	})
}

// A function directive.
//
//greenshim:green
func marked() {
	time.Sleep(time.Second) // want `time.Sleep bypasses .*\[green code: //greenshim:green on marked\]`
}

// Greenlet.Link and SpawnLater.
func links(g *green.Greenlet) {
	g.Link(func(*green.Greenlet) {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*passed to \(\*green.Greenlet\).Link`
	})
	green.SpawnLater(time.Second, func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*passed to green.SpawnLater`
		return nil
	})
}

// Map's function.
func mapped(p *green.Pool) {
	_, _ = green.Map(p, []int{1, 2}, func(i int) (int, error) {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*passed to green.Map`
		return i, nil
	})
}

// A literal declared with var.
func varDecl(h *green.Hub) {
	var f = func() error {
		time.Sleep(time.Second) // want `time.Sleep bypasses .*passed to \(\*green.Hub\).Run`
		return nil
	}
	h.Run(f)
}
