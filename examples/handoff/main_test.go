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
			var found bool
			for _, s := range r.Sites {
				found = found || s.Wait == lock.wait && strings.HasPrefix(s.Frame, lock.frame)
			}
			assert.True(t, found, "%s: no hand-off in %s under %s: %+v", r.Case, lock.wait, lock.frame, r.Sites)
		}
	}
	assert.Len(t, seen, 9, "a run per case and mode")
}

func TestHandoff_BadInput(t *testing.T) {
	_, err := run(&strings.Builder{}, handoff.Config{Workers: 0, Delay: time.Millisecond})
	assert.ErrorContains(t, err, "-workers 0")
	_, err = run(&strings.Builder{}, handoff.Config{Workers: 1, Delay: time.Millisecond, Modes: []string{"threads"}})
	assert.ErrorContains(t, err, `unknown mode "threads"`)
}
