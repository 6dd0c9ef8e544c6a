package green_test

import (
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestDefault_PackageFunctionsUseCallersHub(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		if green.Current() == nil || green.Current().Hub() != h {
			t.Error("Current is not a greenlet of h")
		}
		g := green.Spawn(func() error { return nil })
		if g.Hub() != h {
			t.Error("Spawn from a greenlet of h did not use h")
		}
		before := green.Now()
		green.Sleep(time.Hour) // on h's virtual clock
		if d := green.Now().Sub(before); d != time.Hour {
			t.Errorf("Sleep moved h's clock %v", d)
		}
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDefault_OutsideUsesDefaultHub(t *testing.T) {
	if green.Current() != nil {
		t.Fatal("a test goroutine is not a greenlet")
	}
	d := green.Default()
	if d != green.Default() {
		t.Fatal("Default changed")
	}
	g := green.SpawnValue(func() (any, error) { return green.Current().Hub(), nil })
	if err := within(t, "Join", g.Join); err != nil || g.Value() != d {
		t.Fatalf("Join = %v, hub %v, want the default", err, g.Value())
	}
	if err := within(t, "Run", func() error { return green.Run(func() error { return nil }) }); err != nil {
		t.Fatal(err)
	}
}

func TestCloseDefault(t *testing.T) {
	d := green.Default()
	green.CloseDefault()
	if !d.Closed() {
		t.Error("CloseDefault did not close the default hub")
	}
	e := green.Default()
	defer green.CloseDefault()
	if e == d || e.Closed() {
		t.Error("Default after CloseDefault did not start a new hub")
	}
	green.CloseDefault()
	green.CloseDefault() // closing again is harmless
}
