package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

// The demo runs on virtual time: its output, timestamps included, is the
// same on every run.
func TestPrimitives(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	assert.Equal(t, want, out.String())
}

const want = `== Lock
   0.0s a holds the lock
   1.0s b holds the lock
   2.0s c holds the lock
== RLock
   3.0s locked at depth 1
   3.0s locked at depth 2
   3.0s locked at depth 3
== Semaphore
   3.0s worker 0 in (1 permits left)
   3.0s worker 1 in (0 permits left)
   4.0s worker 2 in (0 permits left)
   4.0s worker 3 in (0 permits left)
   5.0s worker 4 in (1 permits left)
== BoundedSemaphore
   6.0s release above the bound: panic "green: BoundedSemaphore released more times than it was acquired"
== Event
   8.0s setting the event
   8.0s waiter 0 woke
   8.0s waiter 1 woke
   8.0s waiter 2 woke
== Condition
   9.0s produced item 1
  10.0s produced item 2
  11.0s produced item 3
  11.0s consumer sees 3 items
== Timer
  11.0s cancelled a timer before it fired
  12.5s timer fired
== Queues
  12.5s Queue         put [3 1 2], got [3 1 2]
  12.5s LifoQueue     put [3 1 2], got [2 1 3]
  12.5s PriorityQueue put [3 1 2], got [1 2 3]
  18.5s JoinableQueue: all 3 tasks done
  19.5s Channel: got "hello"
  19.5s Channel: Put returned once the getter took it
`
