package registry

import (
	"strings"
	"testing"

	"github.com/greenshim/greenshim/iface"
)

// withoutOriginals runs f as if no original had been provided: the state
// of a program whose packages call the registry from init before patch's
// init has run.
func withoutOriginals(t *testing.T, f func()) {
	o, tm, s, d := origOS.Load(), origTime.Load(), origSocket.Load(), origDNS.Load()
	co, ct, cs, cd := curOS.Load(), curTime.Load(), curSocket.Load(), curDNS.Load()
	origOS.Store(nil)
	origTime.Store(nil)
	origSocket.Store(nil)
	origDNS.Store(nil)
	installForwarders()
	defer func() {
		origOS.Store(o)
		origTime.Store(tm)
		origSocket.Store(s)
		origDNS.Store(d)
		curOS.Store(co)
		curTime.Store(ct)
		curSocket.Store(cs)
		curDNS.Store(cd)
	}()
	f()
}

func TestForwarder_BeforeProvide(t *testing.T) {
	var bound iface.Time
	withoutOriginals(t, func() {
		bound = BindTime()
		if bound == nil || Time() == nil || Socket() == nil || OS() == nil || DNS() == nil {
			t.Fatal("a getter returned nil before Provide")
		}
		func() {
			defer func() {
				p, _ := recover().(string)
				if !strings.Contains(p, "no original time implementation") || !strings.Contains(p, "import github.com/greenshim/greenshim/patch") {
					t.Errorf("calling a forwarder with no original: panic %q", p)
				}
			}()
			Time().Now()
		}()
		if _, _, err := Swap(TimeModule, timeForwarder{}); err == nil {
			t.Error("Swap before Provide succeeded")
		}
	})
	// Once the original is back, the value bound earlier reaches it.
	if got := bound.Now(); got.IsZero() {
		t.Error("forwarder bound before Provide does not reach the original")
	}
	if _, ok := Time().(timeForwarder); ok {
		t.Error("the getter still returns the forwarder once an original is provided")
	}
}

func TestResolve(t *testing.T) {
	if got := Resolve(socketForwarder{}); got != Original(SocketModule) {
		t.Errorf("Resolve(forwarder) = %v, want the original %v", got, Original(SocketModule))
	}
	impl := Original(TimeModule)
	if got := Resolve(impl); got != impl {
		t.Errorf("Resolve(%v) = %v, want it unchanged", impl, got)
	}
}
