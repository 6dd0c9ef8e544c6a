package patch_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/patch"
)

// A subscriber that calls PatchAll, Restore or ForTest would wait for the
// patch that is calling it: it panics with a "patch: " message instead.
func TestSubscribe_PatchFromSubscriberPanics(t *testing.T) {
	calls := []struct {
		name string
		call func(t *testing.T)
	}{
		{"PatchAll", func(*testing.T) { patch.PatchAll(patch.Options{NoOS: true}) }},
		{"Restore", func(*testing.T) { patch.Restore() }},
		{"ForTest", func(t *testing.T) { patch.ForTest(t, patch.Options{NoOS: true}) }},
	}
	kinds := []patch.EventKind{patch.WillPatchAll, patch.WillPatchModule, patch.DidPatchModule, patch.DidPatchAll}
	for _, c := range calls {
		for _, k := range kinds {
			t.Run(c.name+"/"+k.String(), func(t *testing.T) {
				fresh(t)
				unsubscribe := patch.Subscribe(func(e patch.Event) error {
					if e.Kind == k {
						c.call(t)
					}
					return nil
				})
				defer unsubscribe()
				done := make(chan string, 1)
				go func() {
					defer func() { done <- fmt.Sprint(recover()) }()
					patch.PatchAll(patch.Options{Impl: fakes()})
				}()
				select {
				case msg := <-done:
					if !strings.HasPrefix(msg, "patch: ") || !strings.Contains(msg, c.name) {
						t.Errorf("%s from a %s subscriber panicked with %q, want a patch: panic naming %s", c.name, k, msg, c.name)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("%s from a %s subscriber did not return within 5s: deadlock", c.name, k)
				}
			})
		}
	}
}

// Only the subscriber's own goroutine is refused: PatchAll from another
// goroutine while subscribers run waits its turn and succeeds.
func TestSubscribe_OtherGoroutineWaitsItsTurn(t *testing.T) {
	fresh(t)
	started, release := make(chan struct{}), make(chan struct{})
	first := true
	defer patch.Subscribe(func(e patch.Event) error {
		if e.Kind == patch.WillPatchAll && first {
			first = false
			close(started)
			<-release
		}
		return nil
	})()
	done := make(chan error, 2)
	go func() { _, err := patch.PatchAll(patch.Options{Impl: fakes()}); done <- err }()
	<-started
	go func() { _, err := patch.PatchAll(patch.Options{Impl: fakes(), NoDNS: true}); done <- err }()
	close(release)
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("PatchAll did not return within 5s")
		}
	}
}
