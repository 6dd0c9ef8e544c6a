package registry_test

import (
	"testing"
	"time"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

var (
	sinkTime   time.Time
	sinkSocket iface.Socket
	// direct is a socket module held in a plain variable: the cheapest way
	// to reach an implementation, to compare the registry's getter with.
	direct iface.Socket = blocking.Socket{}
)

// BenchmarkDispatch compares calls made directly with the same calls made
// through the registry. Compare the pairs with benchstat:
//
//	go test -run '^$' -bench Dispatch -count 10 ./registry/ > d.txt
//	benchstat -col /via d.txt
func BenchmarkDispatch(b *testing.B) {
	b.Run("op=Now/via=direct", func(b *testing.B) {
		for b.Loop() {
			sinkTime = time.Now()
		}
	})
	b.Run("op=Now/via=registry", func(b *testing.B) {
		registry.SetForTest(b, registry.TimeModule, blocking.Time{})
		for b.Loop() {
			sinkTime = registry.Time().Now()
		}
	})
	b.Run("op=SocketLookup/via=direct", func(b *testing.B) {
		for b.Loop() {
			sinkSocket = direct
		}
	})
	b.Run("op=SocketLookup/via=registry", func(b *testing.B) {
		for b.Loop() {
			sinkSocket = registry.Socket()
		}
	})
}
