package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/examples/internal/handoff"
	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that the libraries, the hubs and the hand-off leave no
// goroutine behind once each case is closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(patch.TestingM(m)) }

// Each library, called straight from greenlets, finishes with correct
// results (each case checks its own: rows, counters, pages), and the
// hand-off names the frame where the library waited.
func TestHandoff(t *testing.T) {
	patch.Restore()
	var out strings.Builder
	rs, err := run(&out, handoff.Config{Workers: 40, Delay: 20 * time.Millisecond})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	frames := map[string]string{
		"sql":   "database/sql.",
		"redis": "github.com/redis/go-redis/v9",
		"http":  "net/http.",
	}
	// A library's own lock held across a cooperative wait: ramsql's
	// transaction lock across the transaction's pause, go-redis's RWMutex
	// while another greenlet sets up a connection (a round trip through the
	// patched socket). Each waiter is handed off, and the report names the
	// library's frame and the lock.
	locks := map[string]struct{ wait, frame string }{
		"sql":   {"sync.Mutex.Lock", "github.com/proullon/ramsql/"},
		"redis": {"sync.RWMutex.Lock", "github.com/redis/go-redis/v9"},
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.Case+"/"+r.Mode] = true
		if r.Mode != "greenlets" {
			assert.Zero(t, r.Detaches, "%s/%s: detaches", r.Case, r.Mode)
			continue
		}
		assert.Positive(t, r.Detaches, "%s: no greenlet was detached", r.Case)
		var named bool
		for _, s := range r.Sites {
			named = named || strings.HasPrefix(s.Frame, frames[r.Case])
			assert.Contains(t, s.Caller, "examples/internal/handoff.", "%s: the caller is the example's code", r.Case)
		}
		assert.True(t, named, "%s: no hand-off site in %s: %+v", r.Case, frames[r.Case], r.Sites)
		if lock, ok := locks[r.Case]; ok {
			assert.True(t, lockHandedOff(t, r, lock.wait, lock.frame),
				"%s: no hand-off in %s under %s in 3 runs: %+v", r.Case, lock.wait, lock.frame, r.Sites)
		}
	}
	assert.Len(t, seen, 9, "a run per case and mode")
}

// lockHandedOff reports whether r's sites include a hand-off in wait under
// frame, running r's case again (up to twice) if not: whether a greenlet
// meets the library's lock held, for longer than the hand-off threshold,
// is up to the Go scheduler on a loaded machine; what is checked is that,
// when it does, the hand-off names the lock and the library.
func lockHandedOff(t *testing.T, r handoff.Result, wait, frame string) bool {
	for try := 0; ; try++ {
		for _, s := range r.Sites {
			if s.Wait == wait && strings.HasPrefix(s.Frame, frame) {
				return true
			}
		}
		if try == 2 {
			return false
		}
		rs, err := run(&strings.Builder{}, handoff.Config{Workers: 40, Delay: 20 * time.Millisecond,
			Modes: []string{"greenlets"}})
		require.NoError(t, err)
		for _, x := range rs {
			if x.Case == r.Case {
				r = x
			}
		}
	}
}

func TestHandoff_BadInput(t *testing.T) {
	_, err := run(&strings.Builder{}, handoff.Config{Workers: 0, Delay: time.Millisecond})
	assert.ErrorContains(t, err, "-workers 0")
	_, err = run(&strings.Builder{}, handoff.Config{Workers: 1, Delay: time.Millisecond, Modes: []string{"threads"}})
	assert.ErrorContains(t, err, `unknown mode "threads"`)
}
