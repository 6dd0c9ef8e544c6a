package green_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// helper returns a command running the ifacetest helper program with args.
func helper(ctx context.Context, o iface.Procs, args ...string) iface.Cmd {
	argv := ifacetest.HelperCommand()
	return o.Command(ctx, argv[0], append(argv[1:], args...)...)
}

// lookPath returns the path of a program of the system, skipping the test
// if there is none.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("no %s: %v", name, err)
	}
	return p
}

// forEachWaitMode runs f once for each way a greenlet may wait for an exit.
func forEachWaitMode(t *testing.T, f func(t *testing.T)) {
	for _, mode := range []string{"pidfd", "goroutine", "pool"} {
		t.Run(mode, func(t *testing.T) {
			defer green.SetProcWaitMode(green.ProcWaitModes[mode])()
			f(t)
		})
	}
}

// A greenlet waiting for a command parks: another greenlet runs meanwhile
// (here it is the one that lets the command end; if Wait held the hub, the
// run would never end).
func TestCmd_WaitDoesNotHoldHub(t *testing.T) {
	forEachWaitMode(t, func(t *testing.T) {
		h := newHub(t, green.Options{})
		err := run(t, h, func() error {
			c := helper(context.Background(), green.OS{}, "cat")
			in, err := c.StdinPipe()
			require.NoError(t, err)
			require.NoError(t, c.Start())
			waiter := green.Spawn(c.Wait)
			green.Spawn(in.Close)
			return waiter.Join()
		})
		assert.NoError(t, err)
		assertNothingParked(t, h)
	})
}

// A greenlet reading a pipe parks until the command writes: the greenlet
// that feeds the command runs meanwhile.
func TestCmd_PipeReadDoesNotHoldHub(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		c := helper(context.Background(), green.OS{}, "cat")
		in, err := c.StdinPipe()
		require.NoError(t, err)
		out, err := c.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, c.Start())
		var line string
		reader := green.Spawn(func() error {
			var err error
			line, err = bufio.NewReader(out).ReadString('\n')
			return err
		})
		green.Spawn(func() error {
			_, err := io.WriteString(in, "ping\n")
			return errors.Join(err, in.Close())
		})
		require.NoError(t, reader.Join())
		assert.Equal(t, "ping\n", line)
		return c.Wait()
	})
	assert.NoError(t, err)
	assertNothingParked(t, h)
}

// A hundred commands run at once, each waited for by its own greenlet: all
// hundred greenlets are parked in Wait together before any command may end,
// and the monitor reports nothing.
func TestCmd_HundredWaitsAtOnce(t *testing.T) {
	cat := lookPath(t, "cat")
	const n = 100
	var reports atomic.Int64
	h := newHub(t, green.Options{MaxBlockingTime: green.DefaultMaxBlockingTime, OnBlocked: procMonitor(t, &reports)})
	err := run(t, h, func() error {
		ins := make([]io.WriteCloser, n)
		waiters := make([]*green.Greenlet, n)
		entered := 0
		for i := range n {
			c := green.OS{}.Command(context.Background(), cat)
			in, err := c.StdinPipe()
			require.NoError(t, err)
			require.NoError(t, c.Start())
			ins[i] = in
			waiters[i] = green.Spawn(func() error {
				entered++
				return c.Wait()
			})
		}
		// Every waiter runs to its Wait, and parks there: Wait cannot
		// return before its cat's input is closed.
		for i := 0; entered < n && i < 1000; i++ {
			green.Yield()
		}
		assert.Equal(t, n, entered, "waiters started")
		assert.Equal(t, n, h.Stats().Parked, "greenlets parked in Wait at once")
		for _, in := range ins {
			in.Close()
		}
		for i, w := range waiters {
			assert.NoError(t, w.Join(), "waiter %d", i)
		}
		return nil
	})
	assert.NoError(t, err)
	assert.Zero(t, reports.Load(), "monitor reports of a greenlet held in a process call")
	assertNothingParked(t, h)
}

// procMonitor returns a monitor callback that logs each report and counts
// in *n those of a greenlet held in a process call: its stack in os/exec,
// *os.Process or the green module's commands and pipes, or no stack to
// tell. The monitor samples wall time, so a hub that an overloaded machine
// (or the race detector) starves of CPU is reported wherever it happens to
// be, in JoinAll, say; such reports are logged but say nothing of
// processes.
func procMonitor(t *testing.T, n *atomic.Int64) func(green.Blocked) {
	return func(b green.Blocked) {
		t.Logf("monitor: %s", b)
		for _, in := range []string{"os/exec.", "os.(*Process)", "green.(*cmd)", "green.(*pipe"} {
			if b.Stack == "" || strings.Contains(b.Stack, in) {
				n.Add(1)
				return
			}
		}
	}
}

// sleepers runs n greenlets that each run `sleep d` through o, on a hub
// whose monitor reports holds longer than maxBlock, and returns how many
// commands were in flight (started, not yet waited for) at most, and the
// monitor's reports of greenlets held in process calls.
// The hand-off is off: a blocking module's waits hold the hub, as in gevent.
func sleepers(t *testing.T, o iface.Procs, n int, d, maxBlock time.Duration) (maxInFlight int, reports int64) {
	t.Helper()
	sleep := lookPath(t, "sleep")
	var nreports atomic.Int64
	h := newHub(t, green.Options{MaxBlockingTime: maxBlock, OnBlocked: procMonitor(t, &nreports), HandoffAfter: -1})
	inFlight := 0
	err := run(t, h, func() error {
		gs := make([]*green.Greenlet, n)
		for i := range gs {
			gs[i] = green.Spawn(func() error {
				c := o.Command(context.Background(), sleep, fmt.Sprint(d.Seconds()))
				if err := c.Start(); err != nil {
					return err
				}
				inFlight++ // the hub runs one greenlet at a time: no lock
				maxInFlight = max(maxInFlight, inFlight)
				defer func() { inFlight-- }()
				return c.Wait()
			})
		}
		_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
		return err
	})
	require.NoError(t, err)
	return maxInFlight, nreports.Load()
}

// The figure as a test: a hundred greenlets each run `sleep 0.1`.
// With the green module their waits overlap and the monitor reports
// nothing; with the blocking module (three of them, to keep it short) each
// holds the hub for its whole run, one after the other, and is reported.
// Wall time is not asserted: BenchmarkCmd_Sleepers measures it.
func TestCmd_SleepersOverlap(t *testing.T) {
	maxInFlight, reports := sleepers(t, green.OS{}, 100, 100*time.Millisecond, green.DefaultMaxBlockingTime)
	t.Logf("green: at most %d of 100 commands in flight at once", maxInFlight)
	assert.Greater(t, maxInFlight, 1, "green: the commands ran at once")
	assert.Zero(t, reports, "green: monitor reports of a greenlet held in a process call")

	maxInFlight, reports = sleepers(t, blocking.OS{}, 3, 100*time.Millisecond, 50*time.Millisecond)
	assert.Equal(t, 1, maxInFlight, "blocking: one command at a time")
	assert.Positive(t, reports, "blocking: the monitor reports each Wait holding the hub")
}

// Each bad input of the issue fails with the standard library's error, from
// a greenlet, and leaves no greenlet parked and nothing in flight.
func TestCmd_BadInput(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-executable")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	// Eight times the copies' 1 MiB step, as in ifacetest's HugeOutput:
	// 32 MiB took up to 4.3s of the 5s bound under the race detector on a
	// loaded machine.
	const huge = 8 << 20
	var hugeOut []byte
	cases := []struct {
		name  string
		run   func(ctx context.Context) error
		check func(t *testing.T, err error)
	}{
		{"MissingBinary", func(ctx context.Context) error {
			return green.OS{}.Command(ctx, "greenshim-no-such-program").Run()
		}, func(t *testing.T, err error) {
			var ee *exec.Error
			assert.ErrorAs(t, err, &ee)
			assert.ErrorIs(t, err, exec.ErrNotFound)
		}},
		{"NotExecutable", func(ctx context.Context) error {
			return green.OS{}.Command(ctx, notExec).Run()
		}, func(t *testing.T, err error) {
			var pe *fs.PathError
			assert.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, fs.ErrPermission)
		}},
		{"KilledChild", func(ctx context.Context) error {
			c := helper(ctx, green.OS{}, "sleep", "1m")
			if err := c.Start(); err != nil {
				return err
			}
			green.Spawn(c.Kill)
			return c.Wait()
		}, func(t *testing.T, err error) {
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal())
		}},
		{"ChildClosesPipesEarly", func(ctx context.Context) error {
			c := helper(ctx, green.OS{}, "closein")
			in, err := c.StdinPipe()
			if err != nil {
				return err
			}
			out, err := c.StdoutPipe()
			if err != nil {
				return err
			}
			if err := c.Start(); err != nil {
				return err
			}
			defer func() { c.Kill(); c.Wait() }()
			if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
				return err
			}
			_, err = in.Write(make([]byte, 1<<20))
			return err
		}, func(t *testing.T, err error) {
			var pe *fs.PathError
			assert.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, syscall.EPIPE)
		}},
		{"HugeOutput", func(ctx context.Context) error {
			var err error
			hugeOut, err = helper(ctx, green.OS{}, "spew", fmt.Sprint(huge)).Output()
			return err
		}, func(t *testing.T, err error) {
			require.NoError(t, err)
			require.Len(t, hugeOut, huge)
			assert.True(t, bytes.Equal(hugeOut, ifacetest.Spew(huge)), "the output, byte for byte")
		}},
		{"HugeOutputOfAFailure", func(ctx context.Context) error {
			_, err := helper(ctx, green.OS{}, "exit", "7", strings.Repeat("e", 100<<10)).Output()
			return err
		}, func(t *testing.T, err error) {
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, 7, ee.ExitCode())
			assert.Contains(t, string(ee.Stderr), "... omitting ", "Output keeps the head and tail of standard error")
			assert.Less(t, len(ee.Stderr), 100<<10)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHub(t, green.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var err error
			require.NoError(t, run(t, h, func() error { err = c.run(ctx); return nil }))
			c.check(t, err)
			assertNothingParked(t, h)
			for _, gi := range h.Info() {
				if gi.State != "running" { // Info's own outside call
					t.Errorf("greenlet left: %s %s on %q", gi.Name, gi.State, gi.WaitsOn)
				}
			}
		})
	}
}

// A Timeout ends the wait, not the command: Wait may be called again.
func TestCmd_WaitTimeout(t *testing.T) {
	forEachWaitMode(t, func(t *testing.T) {
		h := newHub(t, green.Options{})
		err := run(t, h, func() error {
			c := helper(context.Background(), green.OS{}, "sleep", "1m")
			require.NoError(t, c.Start())
			err := green.WithTimeout(20*time.Millisecond, c.Wait)
			require.ErrorIs(t, err, green.ErrTimeout)
			assert.Equal(t, -1, c.ExitCode(), "ExitCode after a Wait that timed out")
			require.NoError(t, c.Kill(), "Kill of a command still running")
			err = c.Wait()
			var ee *exec.ExitError
			assert.ErrorAs(t, err, &ee, "the second Wait sees the exit")
			return nil
		})
		assert.NoError(t, err)
		assertNothingParked(t, h)
	})
}

// A greenlet killed while it waits unwinds; the command runs on, and
// another greenlet may wait for it.
func TestCmd_KillWaitingGreenlet(t *testing.T) {
	forEachWaitMode(t, func(t *testing.T) {
		h := newHub(t, green.Options{})
		err := run(t, h, func() error {
			c := helper(context.Background(), green.OS{}, "sleep", "1m")
			require.NoError(t, c.Start())
			waiter := green.Spawn(c.Wait)
			green.Yield()
			waiter.Kill()
			assert.True(t, waiter.Killed(), "the waiter unwound")
			require.NoError(t, c.Signal(syscall.SIGTERM), "the command still runs")
			err := c.Wait()
			var ee *exec.ExitError
			if assert.ErrorAs(t, err, &ee) {
				assert.Equal(t, syscall.SIGTERM, ee.Sys().(syscall.WaitStatus).Signal())
			}
			return nil
		})
		assert.NoError(t, err)
		assertNothingParked(t, h)
	})
}

// Closing the hub ends a greenlet's wait for a command (Close kills it);
// the command itself is the program's to end. (Not with waitPool: Close
// waits for the pool's jobs, the reaper's among them, one reason the pool
// is not the way kept.)
func TestCmd_CloseHubWhileWaiting(t *testing.T) {
	for _, mode := range []string{"pidfd", "goroutine"} {
		t.Run(mode, func(t *testing.T) {
			defer green.SetProcWaitMode(green.ProcWaitModes[mode])()
			h := green.New(green.Options{MaxBlockingTime: -1})
			c := helper(context.Background(), green.OS{}, "sleep", "1m")
			started := make(chan error, 1)
			h.Spawn(func() error {
				started <- c.Start()
				return c.Wait()
			})
			require.NoError(t, <-started)
			closeHub(t, h)
			require.NoError(t, c.Kill())
			var ee *exec.ExitError
			assert.ErrorAs(t, within(t, "Wait", c.Wait), &ee)
		})
	}
}

// On virtual time, a process is outside work: the clock does not jump past
// a greenlet's wait for it, so a sleeper of an hour wakes after the
// command ends, at the virtual instant it went to sleep plus an hour.
func TestCmd_VirtualTimeWaitsForProcess(t *testing.T) {
	h := virtualHub(t)
	var order []string
	err := run(t, h, func() error {
		sleeper := green.Spawn(func() error {
			green.Sleep(time.Hour)
			order = append(order, "slept")
			return nil
		})
		err := helper(context.Background(), green.OS{}, "sleep", "20ms").Run()
		order = append(order, "ran")
		return errors.Join(err, sleeper.Join())
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"ran", "slept"}, order)
}

// A context done while a greenlet waits kills the command.
func TestCmd_ContextKills(t *testing.T) {
	forEachWaitMode(t, func(t *testing.T) {
		h := newHub(t, green.Options{})
		err := run(t, h, func() error {
			ctx, cancel := context.WithCancel(context.Background())
			c := helper(ctx, green.OS{}, "sleep", "1m")
			require.NoError(t, c.Start())
			green.Spawn(func() error { cancel(); return nil })
			err := c.Wait()
			var ee *exec.ExitError
			if assert.ErrorAs(t, err, &ee) {
				assert.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal())
			}
			return nil
		})
		assert.NoError(t, err)
		assertNothingParked(t, h)
	})
}

// The copies of a command started from a greenlet are greenlets of its hub:
// a writer that is a green primitive (here a Queue) works in them.
func TestCmd_CopiesRunInGreenlets(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		q := green.NewQueue[string](0)
		c := helper(context.Background(), green.OS{}, "echo", "via", "a", "queue")
		c.SetStdout(queueWriter{q})
		require.NoError(t, c.Run())
		got, err := q.Get()
		require.NoError(t, err)
		assert.Equal(t, "via a queue\n", got)
		return nil
	})
	assert.NoError(t, err)
}

// queueWriter puts each write on a green Queue: it would hold the hub if
// called from a plain goroutine waiting on a full queue, and works from a
// greenlet.
type queueWriter struct{ q *green.Queue[string] }

func (w queueWriter) Write(p []byte) (int, error) {
	if err := w.q.Put(string(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// The command's copies and pipes survive many commands without leaking
// descriptors or goroutines (goleak checks the goroutines at the end).
func TestCmd_NoDescriptorLeak(t *testing.T) {
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(ents)
	}
	h := newHub(t, green.Options{})
	// A first round opens what stays open for good (the poller's epoll).
	round := func() error {
		for range 5 {
			c := helper(context.Background(), green.OS{}, "both", "o", "e")
			var out, errw bytes.Buffer
			c.SetStdout(&out)
			c.SetStderr(&errw)
			c.SetStdin(strings.NewReader("in"))
			if err := c.Run(); err != nil {
				return err
			}
		}
		return nil
	}
	require.NoError(t, run(t, h, round))
	before := fds()
	require.NoError(t, run(t, h, round))
	assert.Equal(t, before, fds(), "open descriptors after 5 more commands")
	assertNothingParked(t, h)
}
