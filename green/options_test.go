package green_test

import (
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Invalid options panic, naming the field, before New registers the hub or
// takes its VirtualClock: a failed New leaves nothing behind.
func TestNew_InvalidOptionsPanicAndLeaveNothing(t *testing.T) {
	cases := []struct {
		name  string
		opts  green.Options
		field string
	}{
		{"ThreadPoolSize", green.Options{ThreadPoolSize: -1}, "Options.ThreadPoolSize"},
		{"StartBatch", green.Options{StartBatch: -1}, "Options.StartBatch"},
		{"nil VirtualClock", green.Options{Clock: (*green.VirtualClock)(nil)}, "Options.Clock"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vc := green.NewVirtualClock(time.Time{})
			opts := c.opts
			if opts.Clock == nil {
				opts.Clock = vc
			}
			opts.MaxBlockingTime = -1
			before := green.OpenHubs()
			msg := sqPanicMessage(func() { green.New(opts).Close() })
			if !strings.HasPrefix(msg, "green: ") || !strings.Contains(msg, c.field) {
				t.Errorf("New(%+v) panicked with %q, want a green: panic naming %s", c.opts, msg, c.field)
			}
			if n := green.OpenHubs(); n != before {
				t.Errorf("%d hubs registered after the failed New, want %d", n, before)
			}
			// The clock was not taken: a hub can still use it.
			h := green.New(green.Options{Clock: vc, MaxBlockingTime: -1})
			h.Close()
		})
	}
}

func TestWait_NegativeCountPanics(t *testing.T) {
	h := newHub(t, green.Options{})
	g := h.Spawn(func() error { return nil })
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"Wait", func() { green.Wait([]green.Waitable{g}, green.WaitOptions{Count: -1}) }, "WaitOptions.Count"},
		{"JoinAll", func() { green.JoinAll([]*green.Greenlet{g}, green.JoinOptions{Count: -1}) }, "JoinOptions.Count"},
		{"JoinAll.StopOnError", func() {
			green.JoinAll([]*green.Greenlet{g}, green.JoinOptions{Count: -1, StopOnError: true})
		}, "JoinOptions.Count"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var msg string
			within(t, c.name, func() error { msg = sqPanicMessage(c.call); return nil })
			if !strings.HasPrefix(msg, "green: ") || !strings.Contains(msg, c.want) {
				t.Errorf("%s with a negative Count panicked with %q, want a green: panic naming %s", c.name, msg, c.want)
			}
		})
	}
}
