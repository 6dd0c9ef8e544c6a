package green_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestWorkerStacks_Parse(t *testing.T) {
	body := green.BodyFrame
	g := func(id int, frames ...string) string {
		return fmt.Sprintf("goroutine %d [running]:\n%s", id, strings.Join(frames, "\n"))
	}
	w1 := g(1, "main.f()", "\t/x/f.go:1", body+"0xc000010000, 0xc000020000)", "\t/x/worker.go:40 +0x1")
	w2 := g(2, body+"0xc000030000?, {0x1, 0x2})", "\t/x/worker.go:40")
	plain := g(3, "main.main()", "\t/x/main.go:3")
	other := g(4, "other.(*worker).body(0xc000040000, 0x1)", "\t/y/w.go:1")
	cases := []struct {
		name string
		dump string
		want map[uintptr]string
	}{
		{"empty", "", map[uintptr]string{}},
		{"workers among others", strings.Join([]string{plain, w1, other, w2}, "\n\n"),
			map[uintptr]string{0xc000010000: w1, 0xc000030000: w2}},
		{"trailing newline", w1 + "\n", map[uintptr]string{0xc000010000: w1 + "\n"}},
		{"no parenthesis", g(5, body+"0xc000050000"), map[uintptr]string{0xc000050000: g(5, body+"0xc000050000")}},
		{"garbage address", g(6, body+"zz)"), map[uintptr]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := green.WorkerStacks(c.dump)
			if len(got) != len(c.want) {
				t.Fatalf("got %d stacks, want %d: %v", len(got), len(c.want), got)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("stack of %#x = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// Info (and Dump, which writes it) finds every greenlet's stack in one dump
// of all goroutines: it is linear in the greenlets started. Looking each one up by scanning the dump
// took 25 s for 10k greenlets and over a minute for 20k.
func TestHub_InfoIsLinear(t *testing.T) {
	const n = 20000
	h := newHub(t, green.Options{})
	ev := new(green.Event).Bind(h)
	defer ev.Set()
	defer h.Hold()() // the parked greenlets are no deadlock
	parked := make(chan struct{})
	h.Spawn(func() error {
		for range n {
			green.Spawn(ev.Wait)
		}
		for h.Stats().Parked < n {
			green.Yield()
		}
		close(parked)
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-parked:
	case <-ctx.Done():
		t.Fatal("the greenlets did not park within 30s")
	}
	done := make(chan []green.GreenletInfo, 1)
	go func() { done <- h.Info() }()
	var infos []green.GreenletInfo
	select {
	case infos = <-done:
	case <-ctx.Done():
		t.Fatalf("Info of %d greenlets did not return within 30s", n)
	}
	with := 0
	for _, gi := range infos {
		if gi.State == "waiting" && strings.Contains(gi.Stack, "green.(*Event).Wait") {
			with++
		}
	}
	if with != n {
		t.Errorf("%d of %d parked greenlets listed with their stack; one: %+v", with, n, infos[len(infos)/2])
	}

	// Dump writes the same list, stacks included, as fast.
	dumped := make(chan string, 1)
	go func() {
		var b strings.Builder
		if err := h.Dump(&b); err != nil {
			t.Error(err)
		}
		dumped <- b.String()
	}()
	var dump string
	select {
	case dump = <-dumped:
	case <-ctx.Done():
		t.Fatalf("Dump of %d greenlets did not return within 30s", n)
	}
	if got := strings.Count(dump, "[waiting] waits on"); got != n {
		t.Errorf("Dump listed %d waiting greenlets, want %d", got, n)
	}
	if got := strings.Count(dump, "green.(*Event).Wait"); got < n {
		t.Errorf("Dump showed %d stacks in Event.Wait, want at least %d", got, n)
	}
}

// BenchmarkHubInfo: Info of a hub with n parked greenlets; ns/greenlet
// stays flat as n grows (Info is linear).
func BenchmarkHubInfo(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("greenlets=%d", n), func(b *testing.B) {
			h := green.New(green.Options{MaxBlockingTime: -1})
			defer h.Close()
			ev := new(green.Event).Bind(h)
			defer ev.Set()
			defer h.Hold()()
			err := h.Run(func() error {
				for range n {
					green.Spawn(ev.Wait)
				}
				for h.Stats().Parked < n {
					green.Yield()
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if got := len(h.Info()); got < n {
					b.Fatalf("Info listed %d greenlets, want %d", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/greenlet")
		})
	}
}
