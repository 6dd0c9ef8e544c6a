package green_test

import (
	"fmt"
	"testing"

	"github.com/greenshim/greenshim/green"
)

func TestLocal_PerGreenlet(t *testing.T) {
	h := virtualHub(t)
	var id green.Local[int]
	err := run(t, h, func() error {
		id.Set(-1)
		var gs []*green.Greenlet
		for i := 0; i < 3; i++ {
			gs = append(gs, h.Spawn(func() error {
				if _, ok := id.Lookup(); ok {
					return fmt.Errorf("greenlet %d sees a value before setting one", i)
				}
				id.Set(i)
				green.Yield()
				if got := id.Get(); got != i {
					return fmt.Errorf("greenlet %d sees %d", i, got)
				}
				id.Delete()
				if id.Get() != 0 {
					return fmt.Errorf("Delete did not delete")
				}
				return nil
			}))
		}
		if _, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true}); err != nil {
			return err
		}
		if id.Get() != -1 {
			return fmt.Errorf("main's value changed to %d", id.Get())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocal_OutsideGreenletPanics(t *testing.T) {
	var l green.Local[string]
	defer func() {
		if p := recover(); p == nil {
			t.Error("no panic")
		}
	}()
	l.Set("x")
}
