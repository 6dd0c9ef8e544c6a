package sim_test

import (
	"context"
	"io"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim"
)

// Rule (goroutines, in a synctest bubble): main receives a context that a
// crash cancels; the host's conns and files fail from then on; the host's
// modules fail while it is down; Restart runs main again.
func TestHost_CrashInSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		a := w.MustAddHost("a")
		b := w.MustAddHost("b")

		type result struct {
			cause            error
			readErr, fileErr error
		}
		results := make(chan result, 2)
		require.NoError(t, a.Start(func(ctx context.Context) error {
			o := a.OS()
			f, err := o.Create("/log")
			if err != nil {
				return err
			}
			defer f.Close()
			l, err := a.Socket().Listen("tcp", ":80")
			if err != nil {
				return err
			}
			defer l.Close()
			c, err := l.Accept()
			if err != nil {
				return err
			}
			defer c.Close()
			_, readErr := c.Read(make([]byte, 1)) // until the crash
			<-ctx.Done()
			_, fileErr := f.Write([]byte("after"))
			results <- result{context.Cause(ctx), readErr, fileErr}
			return ctx.Err()
		}))
		var c io.ReadWriteCloser
		for { // until main listens: time stands still while it runs
			conn, err := b.Socket().Dial("tcp", "a:80")
			if err == nil {
				c = conn
				break
			}
			time.Sleep(time.Millisecond)
		}
		defer c.Close()
		synctest.Wait()

		_, err := a.Crash()
		require.NoError(t, err)
		r := <-results
		require.ErrorIs(t, r.cause, sim.ErrCrashed)
		require.Error(t, r.readErr, "the crashed host's own conn still reads")
		require.ErrorIs(t, r.fileErr, syscall.EIO)
		require.ErrorIs(t, a.Wait(), sim.ErrCrashed)
		_, err = c.Read(make([]byte, 1))
		require.ErrorIs(t, err, syscall.ECONNRESET)

		// Down: the host's modules fail.
		_, err = a.OS().Stat("/")
		require.ErrorIs(t, err, syscall.EIO)
		_, err = a.Socket().Dial("tcp", "b:80")
		require.ErrorIs(t, err, syscall.ENETDOWN)

		// Up again: main runs again, and the modules work.
		require.NoError(t, a.Restart())
		require.Equal(t, 2, a.Boots())
		_, err = a.OS().Stat("/")
		require.NoError(t, err)
		synctest.Wait()
		_, err = a.Crash() // main waits in Accept: the crash ends it
		require.NoError(t, err)
		require.ErrorIs(t, a.Wait(), sim.ErrCrashed)
		synctest.Wait() // main has returned: nothing is left behind
	})
}

// Closing the world ends every life: main's context is done, so a main
// that waits for it returns and leaves nothing behind.
func TestWorld_CloseEndsLives(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		a := w.MustAddHost("a")
		done := make(chan error, 1)
		require.NoError(t, a.Start(func(ctx context.Context) error {
			<-ctx.Done()
			done <- context.Cause(ctx)
			return nil
		}))
		synctest.Wait()
		w.Close()
		require.Error(t, <-done)
		synctest.Wait()
	})
}
