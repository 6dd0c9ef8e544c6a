package registry

import (
	"strings"
	"testing"
)

// withoutOriginals runs f as if no original had been provided: the state
// of a program whose packages call the registry from init before patch's
// init has run. f gets the originals that were provided, to Provide them
// itself; the registry is put back as it was afterwards.
func withoutOriginals(t *testing.T, f func(saved Set)) {
	saved := Originals()
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
	f(saved)
}

func TestForwarder_BeforeProvide(t *testing.T) {
	withoutOriginals(t, func(saved Set) {
		bound := BindTime()
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

		// patch's init provides the originals: the getters return them,
		// and the value bound earlier reaches the original.
		Provide(saved)
		if got := Time(); got != saved.Time {
			t.Errorf("after Provide, Time() = %#v, want the original %#v", got, saved.Time)
		}
		if got := bound.Now(); got.IsZero() {
			t.Error("forwarder bound before Provide does not reach the original")
		}
		if got := Resolve(bound); got != saved.Time {
			t.Errorf("Resolve(bound forwarder) = %#v, want the original", got)
		}
	})
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

// The os forwarder forwards processes, so Procs() before Provide reaches the
// original's once it is provided, rather than the fallback of an OS
// without processes.
func TestForwarder_Procs(t *testing.T) {
	withoutOriginals(t, func(saved Set) {
		p := Procs()
		if _, ok := p.(osForwarder); !ok {
			t.Fatalf("Procs() before Provide = %T, want the os forwarder", p)
		}
		Provide(saved)
		if _, err := p.LookPath("sh"); err != nil {
			t.Errorf("LookPath through the forwarder: %v", err)
		}
	})
}
