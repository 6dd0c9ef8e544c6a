package green_test

import (
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestHub_Greenlets(t *testing.T) {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	err := h.Run(func() error {
		a := green.Spawn(func() error { green.Sleep(time.Second); return nil })
		b := green.Spawn(func() error { return nil })
		got := h.Greenlets()
		if len(got) != 3 || got[0] != green.Current() || got[1] != a || got[2] != b {
			t.Errorf("Greenlets() = %v, want [main %v %v]", got, a, b)
		}
		if err := b.Join(); err != nil {
			return err
		}
		if got := h.Greenlets(); len(got) != 2 || got[1] != a {
			t.Errorf("after b ended: Greenlets() = %v, want [main %v]", got, a)
		}
		return a.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	// From a plain goroutine, and on a closed hub: nothing is live.
	if got := h.Greenlets(); len(got) != 0 {
		t.Errorf("after Run: Greenlets() = %v, want none", got)
	}
	h.Close()
	if got := h.Greenlets(); len(got) != 0 {
		t.Errorf("closed hub: Greenlets() = %v, want none", got)
	}
}
