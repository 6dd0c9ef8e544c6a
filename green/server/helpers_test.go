package server_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that no goroutine outlives the tests; patch.TestingM
// takes the -greenshim flag and closes the default hub at the end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m))
}

// panics collects the greenlets of a test hub that ended in a panic.
type panics struct {
	mu sync.Mutex
	gs []*green.Greenlet
}

func (p *panics) add(g *green.Greenlet) {
	p.mu.Lock()
	p.gs = append(p.gs, g)
	p.mu.Unlock()
}

func (p *panics) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.gs)
}

// newHub returns a hub closed at the end of the test, whose panics are
// collected in p (if not nil) instead of printed.
func newHub(t *testing.T, p *panics) *green.Hub {
	t.Helper()
	opts := green.Options{Name: t.Name()}
	if p != nil {
		opts.OnPanic = p.add
	}
	h := green.New(opts)
	t.Cleanup(h.Close)
	return h
}

// run runs fn as the main greenlet of h, every wait in it bounded by ten
// seconds.
func run(t *testing.T, h *green.Hub, fn func() error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return h.Run(func() error { return green.WithContext(ctx, fn) })
}

// ctxFor returns a context that ends the test's waits after ten seconds.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
