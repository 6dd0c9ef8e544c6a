package sim_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// helper runs the process suite's helper program as a handler.
func helper(ctx context.Context, p *sim.Proc) int {
	return ifacetest.Helper(ifacetest.HelperProc{
		Args:   p.Args[1:],
		Stdin:  p.Stdin,
		Stdout: p.Stdout,
		Stderr: p.Stderr,
		Getenv: p.Getenv,
		Dir:    p.Dir,
		Sleep:  func(d time.Duration) { _ = p.Sleep(d) },
	})
}

const helperName = "ifacetest-helper"

func TestProcs_ConformanceRealTime(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
	defer w.Close()
	h := w.MustAddHost("a")
	h.HandleCommand(helperName, helper)
	ifacetest.TestProcs(t, h.OS(), []string{helperName})
}

// Mode 1 on a hub of real time: the suite bounds its commands with
// contexts of package time (50ms against a "sleep 1m"), which a virtual
// clock would overtake while the suite's goroutine waits. The tests below
// run handlers on a virtual clock.
func TestProcs_ConformanceGreenlets(t *testing.T) {
	hub := green.New(green.Options{Name: "procs"})
	defer hub.Close()
	w := sim.New(sim.Config{Seed: 1, Hub: hub})
	defer w.Close()
	h := w.MustAddHost("a")
	h.HandleCommand(helperName, helper)
	ifacetest.TestProcs(t, h.OS(), []string{helperName})
}

func TestProcs_ConformanceSynctest(t *testing.T) {
	outer := t
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		h := w.MustAddHost("a")
		h.HandleCommand(helperName, helper)
		ifacetest.TestProcs(outer, h.OS(), []string{helperName})
	})
}

// procs returns o's processes, failing t if it has none.
func procs(t testing.TB, o iface.OS) iface.Procs {
	t.Helper()
	p, ok := o.(iface.Procs)
	require.True(t, ok, "%T is not an iface.Procs", o)
	return p
}

// sleeper is a program that sleeps its first argument of world time and
// prints its host's name and the world time it ended at.
func sleeper(ctx context.Context, p *sim.Proc) int {
	d, err := time.ParseDuration(p.Args[1])
	if err != nil {
		return 2
	}
	if p.Sleep(d) != nil {
		return 1
	}
	host := "?"
	if h := sim.Current(); h != nil {
		host = h.Name()
	}
	fmt.Fprintf(p.Stdout, "%s %s %s", host, p.Host().Name(), p.Host().World().Since())
	return 0
}

// Rule: a command lasts its handler's waits on world time, runs as a
// greenlet on its host, and a hundred of them sleep at once.
func TestProc_DurationIsWorldTime(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	db, cli := w.MustAddHost("db"), w.MustAddHost("cli")
	db.HandleCommand("sleep", sleeper)
	var outs [100][]byte
	var errs [100]error
	err := cli.Run(func() error {
		var gs []*green.Greenlet
		for i := range outs {
			gs = append(gs, green.Spawn(func() error {
				outs[i], errs[i] = procs(t, db.OS()).Command(context.Background(), "sleep", "1h").Output()
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	require.NoError(t, err)
	for i := range outs {
		require.NoError(t, errs[i], "command %d", i)
		assert.Equal(t, "db db 1h0m0s", string(outs[i]), "command %d", i)
	}
	assert.Equal(t, time.Hour, w.Since(), "the commands slept at once, on world time")
}

// Rule: a context of world time kills its command at its deadline.
func TestProc_ContextOnWorldTime(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	h := w.MustAddHost("a")
	h.HandleCommand("sleep", sleeper)
	err := h.Run(func() error {
		ctx, cancel := w.Time().WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := procs(t, h.OS()).Command(ctx, "sleep", "1h")
		err := c.Run()
		var ee iface.ExitError
		require.ErrorAs(t, err, &ee)
		assert.False(t, ee.Exited())
		assert.Equal(t, "signal: killed", err.Error())
		assert.Equal(t, -1, c.ExitCode())
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, time.Minute, w.Since())
}

// Rule: a crash of a host kills its running commands (their Wait fails
// with a killed exit), refuses new ones until Restart, and runs them
// again after.
func TestProc_CrashKillsCommands(t *testing.T) {
	for _, mode := range []sim.Mode{sim.Greenlets, sim.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			w := sim.New(sim.Config{Seed: 1, Mode: mode})
			defer w.Close()
			db := w.MustAddHost("db")
			db.HandleCommand("sleep", sleeper)
			main := func(ctx context.Context) error {
				<-ctx.Done()
				return nil
			}
			if mode == sim.Greenlets {
				main = func(context.Context) error { green.Sleep(24 * time.Hour); return nil }
			}
			body := func() error {
				require.NoError(t, db.Start(main))
				p := procs(t, db.OS())
				c := p.Command(context.Background(), "sleep", "1h")
				require.NoError(t, c.Start())
				_, err := db.Crash()
				require.NoError(t, err)
				err = c.Wait()
				var ee iface.ExitError
				require.ErrorAs(t, err, &ee, "Wait of a command its host's crash killed")
				assert.False(t, ee.Exited())

				err = p.Command(context.Background(), "sleep", "1s").Start()
				assert.ErrorIs(t, err, syscall.EIO, "Start on a crashed host")

				require.NoError(t, db.Restart())
				out, err := p.Command(context.Background(), "sleep", "1ms").Output()
				require.NoError(t, err, "a command after Restart")
				assert.Contains(t, string(out), "db")
				_, err = db.Crash()
				return err
			}
			if mode == sim.Greenlets {
				require.NoError(t, w.MustAddHost("cli").Run(body))
			} else {
				require.NoError(t, body())
			}
		})
	}
}

// Rule: misuse panics with the package's name, and a missing program is
// os/exec's error.
func TestHost_HandleCommandBadInput(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
	defer w.Close()
	h := w.MustAddHost("a")
	assert.PanicsWithValue(t, "sim: HandleCommand with an empty name", func() { h.HandleCommand("", sleeper) })
	assert.PanicsWithValue(t, `sim: HandleCommand of "x" with a nil function`, func() { h.HandleCommand("x", nil) })
	p := procs(t, h.OS())
	assert.PanicsWithValue(t, "sim: nil Context", func() { p.Command(nil, "x") }) //nolint:staticcheck // the nil is the test

	h.HandleCommand("/bin/sleep", sleeper)
	got, err := p.LookPath("/bin/sleep")
	assert.NoError(t, err)
	assert.Equal(t, "/bin/sleep", got)
	_, err = p.LookPath("sleep")
	assert.ErrorIs(t, err, exec.ErrNotFound, "a bare name is not a registered path")
	_, err = p.LookPath("/no/such")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	err = p.Command(context.Background(), "/no/such").Run()
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	// Another host does not have the program.
	err = procs(t, w.MustAddHost("b").OS()).Command(context.Background(), "/bin/sleep", "1ms").Run()
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// Rule: closing the world kills its running commands, whose handlers then
// return (goleak checks the goroutines).
func TestProc_WorldCloseKillsCommands(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
	h := w.MustAddHost("a")
	asleep := make(chan struct{}, 2)
	h.HandleCommand("sleep", func(ctx context.Context, p *sim.Proc) int {
		asleep <- struct{}{} // the Sleep below has begun, give or take a moment
		_ = p.Sleep(time.Hour)
		return 0
	})
	c := procs(t, h.OS()).Command(context.Background(), "sleep")
	require.NoError(t, c.Start())
	unwaited := procs(t, h.OS()).Command(context.Background(), "sleep")
	require.NoError(t, unwaited.Start())
	for range 2 {
		select {
		case <-asleep:
		case <-time.After(5 * time.Second):
			t.Fatal("a command did not start")
		}
	}
	w.Close()
	var ee iface.ExitError
	require.ErrorAs(t, c.Wait(), &ee)
	assert.False(t, ee.Exited())
	err := procs(t, h.OS()).Command(context.Background(), "sleep", "1ms").Start()
	assert.ErrorIs(t, err, syscall.EIO, "Start in a closed world")
}

// Rule: a pipe holds 64 KiB; a handler writing more waits, on world time,
// for its reader.
func TestProc_PipeWaitsForItsReader(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	h := w.MustAddHost("a")
	const n = 256 << 10
	var wrote time.Duration
	h.HandleCommand("spew", func(ctx context.Context, p *sim.Proc) int {
		if _, err := p.Stdout.Write(ifacetest.Spew(n)); err != nil {
			return 1
		}
		wrote = w.Since()
		return 0
	})
	err := h.Run(func() error {
		c := procs(t, h.OS()).Command(context.Background(), "spew")
		out, err := c.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, c.Start())
		green.Sleep(time.Second)
		got, err := io.ReadAll(out)
		require.NoError(t, err)
		assert.Equal(t, ifacetest.Spew(n), got)
		return c.Wait()
	})
	require.NoError(t, err)
	assert.Equal(t, time.Second, wrote, "the write ended once the reader read, a second of world time later")
}

// Rule: the world's os module runs a command on the calling greenlet's
// host.
func TestWorld_OSRunsCommandsOnTheCallersHost(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a, b := w.MustAddHost("a"), w.MustAddHost("b")
	a.HandleCommand("sleep", sleeper)
	b.HandleCommand("sleep", sleeper)
	var out []byte
	err := b.Run(func() error {
		var err error
		out, err = procs(t, w.OS()).Command(context.Background(), "sleep", "1s").Output()
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "b b 1s", string(out))
}
