package patch_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// fakes is a set of implementations that differ from the originals, standing
// in for the cooperative ones.
func fakes() registry.Set {
	return registry.Set{
		OS:     blocking.OS{Fs: afero.NewMemMapFs()},
		Time:   blocking.Time{Clock: clock.NewMock()},
		Socket: blocking.Socket{Dialer: &net.Dialer{Timeout: time.Second}},
		DNS:    blocking.DNS{Resolver: &net.Resolver{PreferGo: true}},
	}
}

// fresh restores every module for the test and again after it.
func fresh(t *testing.T) {
	t.Setenv("GREENSHIM_PATCH_TEST", "1") // no t.Parallel: the registry is global
	patch.Restore()
	t.Cleanup(patch.Restore)
}

func TestPatchAll_AllModulesInOrder(t *testing.T) {
	fresh(t)
	set := fakes()
	var events []string
	defer patch.Subscribe(func(e patch.Event) error {
		s := e.Kind.String()
		if e.Kind == patch.WillPatchModule || e.Kind == patch.DidPatchModule {
			s += " " + e.Module.String()
		}
		events = append(events, s)
		return nil
	})()

	r, err := patch.PatchAll(patch.Options{Impl: set})
	require.NoError(t, err)
	assert.Equal(t, registry.Modules(), r.PatchedModules())
	for _, m := range registry.Modules() {
		assert.True(t, registry.IsPatched(m), m)
		assert.Equal(t, set.Get(m), registry.Current(m))
	}
	assert.Equal(t, []string{
		"will-patch-all",
		"will-patch-module os", "did-patch-module os",
		"will-patch-module time", "did-patch-module time",
		"will-patch-module socket", "did-patch-module socket",
		"will-patch-module dns", "did-patch-module dns",
		"did-patch-all",
	}, events)
	assert.Empty(t, r.Warnings)

	patch.Restore()
	for _, m := range registry.Modules() {
		assert.False(t, registry.IsPatched(m), m)
	}
}

func TestPatchAll_DefaultIsGreen(t *testing.T) {
	cases := []struct {
		name string
		opts patch.Options
		dns  any
	}{
		{"ThreadResolver", patch.Options{}, green.DNS{}},
		{"PureResolver", patch.Options{Resolver: green.PureResolver},
			green.DNS{Resolver: green.PureResolver, Socket: green.Socket{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fresh(t)
			r, err := patch.PatchAll(c.opts)
			require.NoError(t, err)
			assert.Equal(t, registry.Modules(), r.PatchedModules())
			assert.Equal(t, green.OS{}, registry.OS())
			assert.Equal(t, green.Time{}, registry.Time())
			assert.Equal(t, green.Socket{}, registry.Socket())
			assert.Equal(t, c.dns, registry.DNS())
			assert.Empty(t, r.Warnings)
		})
	}
}

func TestPatchAll_BadResolver(t *testing.T) {
	fresh(t)
	r, err := patch.PatchAll(patch.Options{Resolver: green.ResolverKind(7)})
	require.Error(t, err)
	assert.Nil(t, r)
	assert.Contains(t, err.Error(), "patch: Options.Resolver: unknown resolver")
	for _, m := range registry.Modules() {
		assert.False(t, registry.IsPatched(m), "a failed PatchAll changed %s", m)
	}
}

func TestPatchAll_OptOutsAndDependencyWarnings(t *testing.T) {
	cases := []struct {
		name    string
		opts    patch.Options
		skipped []registry.Module
		warn    []string
	}{
		{"NoDNS", patch.Options{NoDNS: true}, []registry.Module{registry.DNSModule}, nil},
		{"SocketWithoutTime", patch.Options{NoTime: true}, []registry.Module{registry.TimeModule},
			[]string{"socket is patched but time is not: socket deadlines"}},
		{"DNSWithoutSocket", patch.Options{NoSocket: true}, []registry.Module{registry.SocketModule},
			[]string{"dns is patched but socket is not: a cooperative resolver"}},
		{"OnlyOS", patch.Options{NoTime: true, NoSocket: true, NoDNS: true},
			[]registry.Module{registry.TimeModule, registry.SocketModule, registry.DNSModule}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fresh(t)
			c.opts.Impl = fakes()
			r, err := patch.PatchAll(c.opts)
			require.NoError(t, err)
			var skipped []registry.Module
			for _, s := range r.Skipped {
				assert.Equal(t, "opted out", s.Reason)
				skipped = append(skipped, s.Module)
				assert.False(t, registry.IsPatched(s.Module))
			}
			assert.Equal(t, c.skipped, skipped)
			require.Len(t, r.Warnings, len(c.warn))
			for i, w := range c.warn {
				assert.Contains(t, r.Warnings[i], w)
			}
			assert.Contains(t, r.String(), "skipped")
		})
	}
}

func TestPatchAll_Twice(t *testing.T) {
	fresh(t)
	set := fakes()
	_, err := patch.PatchAll(patch.Options{Impl: set, NoDNS: true})
	require.NoError(t, err)

	r, err := patch.PatchAll(patch.Options{Impl: set, NoDNS: true})
	require.NoError(t, err)
	assert.True(t, r.NoOp)
	assert.Empty(t, r.Patched)
	assert.Contains(t, r.String(), "no-op: already patched with the same options")

	// Different options: the union, with a warning.
	r, err = patch.PatchAll(patch.Options{Impl: set, NoOS: true})
	require.NoError(t, err)
	assert.False(t, r.NoOp)
	assert.Equal(t, []registry.Module{registry.DNSModule}, r.PatchedModules())
	for _, m := range registry.Modules() {
		assert.True(t, registry.IsPatched(m), "%s is not in the union", m)
	}
	require.NotEmpty(t, r.Warnings)
	assert.Contains(t, r.Warnings[0], "union")

	// After Restore the same options patch afresh.
	patch.Restore()
	r, err = patch.PatchAll(patch.Options{Impl: set, NoDNS: true})
	require.NoError(t, err)
	assert.False(t, r.NoOp)
	assert.Len(t, r.Patched, 3)
}

func TestPatchAll_Veto(t *testing.T) {
	t.Run("Module", func(t *testing.T) {
		fresh(t)
		defer patch.Subscribe(func(e patch.Event) error {
			if e.Kind == patch.WillPatchModule && e.Module == registry.SocketModule {
				return errors.New("driver X needs blocking sockets")
			}
			return nil
		})()
		var did []registry.Module
		defer patch.Subscribe(func(e patch.Event) error {
			if e.Kind == patch.DidPatchModule {
				did = append(did, e.Module)
			}
			return nil
		})()
		r, err := patch.PatchAll(patch.Options{Impl: fakes()})
		require.NoError(t, err)
		assert.Equal(t, []patch.Veto{{Module: registry.SocketModule, Reason: "driver X needs blocking sockets"}}, r.Vetoed)
		assert.False(t, registry.IsPatched(registry.SocketModule))
		assert.Equal(t, []registry.Module{registry.OSModule, registry.TimeModule, registry.DNSModule}, did)
		assert.Contains(t, r.String(), "vetoed   socket driver X needs blocking sockets")
	})
	t.Run("All", func(t *testing.T) {
		fresh(t)
		defer patch.Subscribe(func(e patch.Event) error {
			if e.Kind == patch.WillPatchAll {
				return errors.New("not in this process")
			}
			return nil
		})()
		r, err := patch.PatchAll(patch.Options{Impl: fakes()})
		require.NoError(t, err)
		assert.Equal(t, []patch.Veto{{All: true, Reason: "not in this process"}}, r.Vetoed)
		for _, m := range registry.Modules() {
			assert.False(t, registry.IsPatched(m))
		}
		assert.Contains(t, r.String(), "vetoed   all    not in this process")
	})
	t.Run("DidErrorIsWarning", func(t *testing.T) {
		fresh(t)
		defer patch.Subscribe(func(e patch.Event) error {
			if e.Kind == patch.DidPatchAll {
				return errors.New("could not log")
			}
			return nil
		})()
		r, err := patch.PatchAll(patch.Options{Impl: fakes()})
		require.NoError(t, err)
		require.Len(t, r.Warnings, 1)
		assert.Contains(t, r.Warnings[0], "did-patch-all failed: could not log")
	})
}

// early is bound before any patch, as a package-level var bound at init would be.
var early = registry.BindSocket() //greenshim:ignore the stale binding this test checks the report names

func TestPatchAll_NamesStaleBindingsAndNatives(t *testing.T) {
	fresh(t)
	registry.DeclareNative("patch-test-driver", registry.SocketModule)
	r, err := patch.PatchAll(patch.Options{Impl: fakes()})
	require.NoError(t, err)

	var found *registry.Binding
	for i, b := range r.Stale {
		if b.Func == "init" && strings.HasSuffix(b.File, "patch_test.go") {
			found = &r.Stale[i]
		}
	}
	require.NotNil(t, found, "the binding of early is not reported: %v", r.Stale)
	assert.Equal(t, registry.SocketModule, found.Module)
	assert.Equal(t, blocking.Socket{}, early, "early keeps the implementation it bound")
	s := r.String()
	assert.Contains(t, s, "stale bindings")
	assert.Contains(t, s, "patch_test.go:")
	assert.Contains(t, s, `"patch-test-driver" uses socket directly`)
	assert.Contains(t, s, "stays blocking")
}

func TestForTest_PutsBackWhatWasCurrent(t *testing.T) {
	fresh(t)
	base := fakes()
	_, err := patch.PatchAll(patch.Options{Impl: base, NoSocket: true, NoDNS: true})
	require.NoError(t, err)

	other := fakes()
	t.Run("Patched", func(t *testing.T) {
		patch.ForTest(t, patch.Options{Impl: other})
		assert.Equal(t, other.Socket, registry.Socket())
		assert.Equal(t, other.Time, registry.Time())
	})
	assert.Equal(t, base.Time, registry.Time())
	assert.False(t, registry.IsPatched(registry.SocketModule))
	// The options remembered are those before ForTest: repeating them is a no-op.
	r, err := patch.PatchAll(patch.Options{Impl: base, NoSocket: true, NoDNS: true})
	require.NoError(t, err)
	assert.True(t, r.NoOp)
}

func TestForTest_RefusesParallel(t *testing.T) {
	t.Run("Parallel", func(t *testing.T) {
		t.Parallel()
		defer func() {
			p, _ := recover().(string)
			assert.True(t, strings.HasPrefix(p, "patch: ForTest in a parallel test"), p)
		}()
		patch.ForTest(t, patch.Options{Impl: fakes()})
	})
}
