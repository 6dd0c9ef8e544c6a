package sim_test

import (
	"context"
	"io"
	"io/fs"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
)

// writeDurable writes name with data, syncs it and its directory.
func writeDurable(t *testing.T, o iface.OS, name, data string) {
	t.Helper()
	f, err := o.Create(name)
	require.NoError(t, err)
	_, err = f.WriteString(data)
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
	d, err := o.Open("/")
	require.NoError(t, err)
	require.NoError(t, d.Sync())
	require.NoError(t, d.Close())
}

// Rule: a crash kills the life's greenlets at their wait points (main,
// what it spawned, what Host.Go spawned on it), and Wait says ErrCrashed.
func TestHost_CrashKillsTheLifesGreenlets(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	var child, viaGo *green.Greenlet
	var ctxErr error
	err := w.Run(func() error {
		started := &green.Event{}
		require.NoError(t, a.Start(func(ctx context.Context) error {
			child = green.Spawn(func() error { green.Sleep(time.Hour); return nil })
			viaGo = a.Go(func() error { green.Sleep(time.Hour); return nil })
			started.Set()
			defer func() { ctxErr = context.Cause(ctx) }()
			green.Sleep(time.Hour)
			return nil
		}))
		require.NoError(t, started.Wait())
		require.True(t, a.Up())
		rep, err := a.Crash()
		require.NoError(t, err)
		require.NotNil(t, rep)
		require.False(t, a.Up())
		require.ErrorIs(t, a.Wait(), sim.ErrCrashed)
		require.NoError(t, child.Join())
		require.NoError(t, viaGo.Join())
		return nil
	})
	require.NoError(t, err)
	require.True(t, child.Killed(), "the main's child was not killed")
	require.True(t, viaGo.Killed(), "the greenlet of Host.Go was not killed")
	require.ErrorIs(t, ctxErr, sim.ErrCrashed, "main's context was not cancelled by the crash")
	require.Less(t, w.Since(), time.Hour, "a greenlet slept on instead of dying")
}

// Rule: deferred calls run as the greenlets unwind, but every call they
// make into the host's modules fails (EIO for the disk, ENETDOWN for the
// network), so they cannot change what the crash left.
func TestHost_CrashFencesDeferredCalls(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	var diskErr, netErr error
	boots := 0
	err := w.Run(func() error {
		l, err := b.Socket().Listen("tcp", ":80")
		require.NoError(t, err)
		defer l.Close()
		started := &green.Event{}
		require.NoError(t, a.Start(func(ctx context.Context) error {
			boots++
			if boots > 1 {
				return nil
			}
			defer func() {
				f, err := a.OS().Create("/written-by-defer")
				if err == nil {
					f.Close()
				}
				diskErr = err
				_, netErr = a.Socket().Dial("tcp", "b:80")
			}()
			started.Set()
			green.Sleep(time.Hour)
			return nil
		}))
		require.NoError(t, started.Wait())
		_, err = a.Crash()
		require.NoError(t, err)
		require.NoError(t, a.Restart())
		require.NoError(t, a.Wait())
		_, err = a.OS().Stat("/written-by-defer")
		require.ErrorIs(t, err, fs.ErrNotExist)
		return nil
	})
	require.NoError(t, err)
	var pe *fs.PathError
	require.ErrorAs(t, diskErr, &pe)
	require.ErrorIs(t, diskErr, syscall.EIO)
	require.ErrorIs(t, netErr, syscall.ENETDOWN)
	var oe *net.OpError
	require.ErrorAs(t, netErr, &oe)
	require.Equal(t, 2, boots)
}

// Rule: a crash closes the host's conns and its peers see ECONNRESET; its
// listeners vanish (dials are refused until main listens again).
func TestHost_CrashResetsPeersAndDropsListeners(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Link: sim.Link{Latency: time.Millisecond}})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	err := w.Run(func() error {
		listening := &green.Event{}
		require.NoError(t, a.Start(func(ctx context.Context) error {
			l, err := a.Socket().Listen("tcp", ":80")
			if err != nil {
				return err
			}
			listening.Set()
			for {
				c, err := l.Accept()
				if err != nil {
					return err
				}
				a.Go(func() error { _, err := io.Copy(c, c); return err })
			}
		}))
		require.NoError(t, listening.Wait())
		c, err := b.Socket().Dial("tcp", "a:80")
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Write([]byte("ping"))
		require.NoError(t, err)
		buf := make([]byte, 4)
		_, err = io.ReadFull(c, buf)
		require.NoError(t, err)

		_, err = a.Crash()
		require.NoError(t, err)
		_, err = c.Read(buf)
		require.ErrorIs(t, err, syscall.ECONNRESET)
		_, err = b.Socket().Dial("tcp", "a:80")
		require.ErrorIs(t, err, syscall.ECONNREFUSED)
		return nil
	})
	require.NoError(t, err)
}

// Rule: the disk loses what was not durable; Restart runs main again on
// what survived.
func TestHost_RestartRunsMainOnTheSurvivingDisk(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	type seen struct {
		life            int
		durable, cached bool
	}
	var lives []seen
	err := w.Run(func() error {
		require.NoError(t, a.Start(func(ctx context.Context) error {
			o := a.OS()
			_, err1 := o.Stat("/durable")
			_, err2 := o.Stat("/cached")
			lives = append(lives, seen{a.Boots(), err1 == nil, err2 == nil})
			if a.Boots() > 1 {
				return nil
			}
			writeDurable(t, o, "/durable", "kept")
			return afero.WriteFile(o, "/cached", []byte("lost"), 0o644) // never synced
		}))
		require.NoError(t, a.Wait())
		require.True(t, a.Up(), "a host whose main returned is up until it crashes")
		rep, err := a.Crash()
		require.NoError(t, err)
		require.Len(t, rep.LostData, 1)
		require.Equal(t, "/cached", rep.LostData[0].Path)
		require.NoError(t, a.Restart())
		return a.Wait()
	})
	require.NoError(t, err)
	require.Equal(t, []seen{{1, false, false}, {2, true, false}}, lives)
}
