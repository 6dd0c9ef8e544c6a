package green_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// The greenlet package's ping-pong demo: two functions switching to each
// other, passing values.
func TestRaw_PingPong(t *testing.T) {
	h := virtualHub(t)
	var log []string
	err := run(t, h, func() error {
		var ping, pong *green.Greenlet
		ping = green.Raw(func(v any) (any, error) {
			for i := 0; i < 3; i++ {
				log = append(log, fmt.Sprint("ping ", v))
				var err error
				if v, err = pong.Switch(v.(int) + 1); err != nil {
					return nil, err
				}
			}
			return "ping done", nil
		})
		pong = green.Raw(func(v any) (any, error) {
			for {
				log = append(log, fmt.Sprint("pong ", v))
				var err error
				if v, err = ping.Switch(v.(int) * 10); err != nil {
					return nil, err
				}
			}
		})
		res, err := ping.Switch(1)
		log = append(log, fmt.Sprint("main got ", res))
		if err != nil {
			return err
		}
		if ping.Parent() != green.Current() {
			t.Error("parent is not the creator")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "ping 1,pong 2,ping 20,pong 21,ping 210,pong 211,main got ping done"
	if got := strings.Join(log, ","); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRaw_Throw(t *testing.T) {
	h := virtualHub(t)
	boom := errors.New("boom")
	err := run(t, h, func() error {
		// Thrown into a suspended greenlet: its Switch returns the error.
		var got error
		child := green.Raw(func(any) (any, error) {
			_, err := green.Current().Parent().Switch("suspend")
			got = err
			return "handled", nil
		})
		if v, err := child.Switch(nil); v != "suspend" || err != nil {
			t.Errorf("first switch = %v, %v", v, err)
		}
		v, err := child.Throw(boom)
		if v != "handled" || err != nil || got != boom {
			t.Errorf("Throw = %v, %v; child saw %v", v, err, got)
		}
		// Thrown into an unstarted greenlet: it ends with the error,
		// which goes to its parent.
		fresh := green.Raw(func(any) (any, error) { t.Error("ran"); return nil, nil })
		if _, err := fresh.Throw(boom); err != boom {
			t.Errorf("Throw into a new greenlet = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRaw_SwitchToRunningPanics(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		g := h.Spawn(func() error { return nil })
		defer func() {
			if p := recover(); p == nil || !strings.HasPrefix(fmt.Sprint(p), "green: ") {
				t.Errorf("recover = %v", p)
			}
		}()
		g.Switch(nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
