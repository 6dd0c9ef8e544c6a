package registry_test

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/registry"
)

// pinOriginals makes every module's original current for the test.
func pinOriginals(t *testing.T) {
	for _, m := range registry.Modules() {
		registry.SetForTest(t, m, registry.Original(m))
	}
}

func TestModule_String(t *testing.T) {
	want := []string{"os", "time", "socket", "dns"}
	for i, m := range registry.Modules() {
		assert.Equal(t, want[i], m.String())
		got, err := registry.ParseModule(want[i])
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	assert.Equal(t, "Module(9)", registry.Module(9).String())
}

func TestParseModule_Unknown(t *testing.T) {
	_, err := registry.ParseModule("thread")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"thread"`)
	assert.Contains(t, err.Error(), "os, time, socket, dns")
}

func TestOriginals_AreBlocking(t *testing.T) {
	o := registry.Originals()
	assert.Equal(t, blocking.OS{}, o.OS)
	assert.Equal(t, blocking.Time{}, o.Time)
	assert.Equal(t, blocking.Socket{}, o.Socket)
	assert.Equal(t, blocking.DNS{}, o.DNS)
}

func TestProvide_FirstWins(t *testing.T) {
	registry.Provide(registry.Set{Time: blocking.Time{Clock: clock.NewMock()}})
	assert.Equal(t, blocking.Time{}, registry.Original(registry.TimeModule))
}

func TestSwap_Behavior(t *testing.T) {
	pinOriginals(t)
	mock := blocking.Time{Clock: clock.NewMock()}
	orig := registry.Original(registry.TimeModule)

	e0 := registry.Epoch()
	prev, _, err := registry.Swap(registry.TimeModule, mock)
	require.NoError(t, err)
	assert.Equal(t, orig, prev)
	assert.Equal(t, mock, registry.Time())
	assert.Equal(t, mock, registry.Current(registry.TimeModule))
	assert.True(t, registry.IsPatched(registry.TimeModule))
	assert.Equal(t, e0+1, registry.Epoch())

	// The same implementation again changes nothing.
	prev, stale, err := registry.Swap(registry.TimeModule, mock)
	require.NoError(t, err)
	assert.Equal(t, mock, prev)
	assert.Empty(t, stale)
	assert.Equal(t, e0+1, registry.Epoch())

	// Back to the original.
	_, _, err = registry.Swap(registry.TimeModule, orig)
	require.NoError(t, err)
	assert.False(t, registry.IsPatched(registry.TimeModule))
	assert.Equal(t, e0+2, registry.Epoch())
}

func TestSwap_BadInput(t *testing.T) {
	pinOriginals(t)
	cases := []struct {
		name string
		m    registry.Module
		impl any
		want string
	}{
		{"Nil", registry.SocketModule, nil, "swap socket: nil implementation"},
		{"WrongType", registry.SocketModule, blocking.Time{}, "blocking.Time does not implement the socket module's interface"},
		{"NotAnImpl", registry.DNSModule, 42, "int does not implement the dns module's interface"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e0 := registry.Epoch()
			_, _, err := registry.Swap(c.m, c.impl)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Equal(t, e0, registry.Epoch(), "a failed swap changed the epoch")
			assert.False(t, registry.IsPatched(c.m))
		})
	}
}

func TestSwap_InvalidModulePanics(t *testing.T) {
	assert.PanicsWithValue(t, "registry: Swap: invalid Module(7)", func() {
		registry.Swap(registry.Module(7), blocking.Time{})
	})
}

func TestBind_StaleAfterSwap(t *testing.T) {
	pinOriginals(t)
	bound := registry.BindSocket() // the line checked below
	_, file, line := callerLine()
	line--

	other := blocking.Socket{Dialer: &net.Dialer{Timeout: time.Second}}
	_, stale, err := registry.Swap(registry.SocketModule, other)
	require.NoError(t, err)
	t.Cleanup(func() { registry.Swap(registry.SocketModule, registry.Original(registry.SocketModule)) })

	assert.Equal(t, blocking.Socket{}, bound, "a binding keeps what it bound")
	assert.Equal(t, other, registry.Socket())
	b := findBinding(t, stale, file, line)
	assert.Equal(t, registry.SocketModule, b.Module)
	assert.Equal(t, "github.com/greenshim/greenshim/registry_test", b.Package)
	assert.Equal(t, "TestBind_StaleAfterSwap", b.Func)
	assert.Equal(t, blocking.Socket{}, b.Impl)
	assert.Contains(t, b.String(), "registry_test.go:")
	findBinding(t, registry.Stale(), file, line)

	// Bound after the swap: not stale, and not reported by the next swap.
	registry.BindSocket()
	_, file2, line2 := callerLine()
	line2--
	_, stale, err = registry.Swap(registry.SocketModule, registry.Original(registry.SocketModule))
	require.NoError(t, err)
	findBinding(t, stale, file2, line2)
	for _, s := range stale {
		assert.False(t, s.File == file && s.Line == line, "a binding already stale was reported again")
	}
	// The first binding is current again now that the original is back.
	for _, s := range registry.Stale() {
		assert.False(t, s.File == file && s.Line == line, "a binding of the current implementation is listed as stale")
	}
}

func TestBind_LoopRecordedOnce(t *testing.T) {
	pinOriginals(t)
	before := len(registry.Bindings())
	for range 1000 {
		registry.BindDNS()
	}
	after := registry.Bindings()
	require.Len(t, after, before+1)
	assert.Equal(t, 1000, after[len(after)-1].Count)
	assert.Contains(t, after[len(after)-1].String(), "1000 times")
}

func TestDeclareNative(t *testing.T) {
	n := registry.DeclareNative("test-driver", registry.SocketModule)
	assert.Equal(t, "test-driver", n.Name)
	assert.Equal(t, "github.com/greenshim/greenshim/registry_test", n.Package)
	n = registry.DeclareNative("test-driver", registry.DNSModule, registry.SocketModule)
	assert.Equal(t, []registry.Module{registry.SocketModule, registry.DNSModule}, n.Modules)
	assert.Contains(t, n.String(), `"test-driver" uses socket, dns directly (declared at registry_test.go:`)
	assert.Contains(t, n.String(), "stays blocking")
	var found int
	for _, m := range registry.Natives() {
		if m.Name == "test-driver" {
			found++
		}
	}
	assert.Equal(t, 1, found)

	assert.PanicsWithValue(t, "registry: DeclareNative: empty name", func() { registry.DeclareNative("", registry.OSModule) })
	assert.PanicsWithValue(t, "registry: DeclareNative: x declared with no module", func() { registry.DeclareNative("x") })
}

func TestSetForTest_Restores(t *testing.T) {
	pinOriginals(t)
	mock := blocking.Time{Clock: clock.NewMock()}
	t.Run("Set", func(t *testing.T) {
		registry.SetForTest(t, registry.TimeModule, mock)
		assert.Equal(t, mock, registry.Time())
	})
	assert.Equal(t, blocking.Time{}, registry.Time())
}

func TestSetForTest_RefusesParallel(t *testing.T) {
	t.Run("Parallel", func(t *testing.T) {
		t.Parallel()
		defer func() {
			p := recover()
			require.NotNil(t, p, "SetForTest in a parallel test did not panic")
			assert.True(t, strings.HasPrefix(p.(string), "registry: SetForTest(time) in a parallel test"), p)
		}()
		registry.SetForTest(t, registry.TimeModule, blocking.Time{})
	})
}

func TestGetters_ConcurrentWithSwap(t *testing.T) {
	pinOriginals(t)
	impls := []any{blocking.Time{}, blocking.Time{Clock: clock.NewMock()}}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					// The race detector checks the loads; the value
					// must be one of the two swapped in, never torn.
					if cur := registry.Time(); cur != impls[0] && cur != impls[1] {
						t.Errorf("Time() = %#v, not one of the swapped implementations", cur)
						return
					}
				}
			}
		})
	}
	for i := range 1000 {
		if _, _, err := registry.Swap(registry.TimeModule, impls[i%2]); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
