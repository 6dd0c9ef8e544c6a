package green_test

import (
	"errors"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestNative_ReleasesHub(t *testing.T) {
	h := newHub(t, green.Options{MaxBlockingTime: 50 * time.Millisecond, OnBlocked: func(b green.Blocked) {
		t.Errorf("monitor reported %s during a native region", b.Name)
	}})
	boom := errors.New("boom")
	err := run(t, h, func() error {
		ran := 0
		other := h.Spawn(func() error {
			for i := 0; i < 5; i++ {
				green.Sleep(time.Millisecond)
				ran++
			}
			return nil
		})
		err := green.Native(func() error {
			time.Sleep(150 * time.Millisecond)
			return boom
		})
		if err != boom {
			t.Errorf("Native = %v", err)
		}
		if ran == 0 {
			t.Error("no other greenlet ran during the native region")
		}
		return other.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
}
