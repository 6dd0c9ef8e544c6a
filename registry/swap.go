package registry

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrNoOriginal is returned by Swap for a module whose original has not been
// provided: without it the module could never be restored.
var ErrNoOriginal = errors.New("registry: no original implementation provided")

// epoch counts the swaps that changed a module; guarded by mu for writes.
var epoch atomic.Uint64

// Epoch returns the number of swaps that have changed a module's
// implementation since the program started. A binding made at epoch e is
// stale once a later swap replaced what it bound.
func Epoch() uint64 { return epoch.Load() }

// Swap makes impl the current implementation of m and returns the previous
// one, with the bindings that this swap made stale: those that had bound the
// previous implementation. Swapping in the current implementation changes
// nothing and returns no bindings; swapping in a forwarder swaps in m's
// original.
//
// Swap fails, changing nothing, if impl is nil or does not implement m's
// interface, or if m's original has not been provided ([ErrNoOriginal]). It
// panics if m is not one of the four modules.
func Swap(m Module, impl any) (prev any, stale []Binding, err error) {
	m.mustValid("Swap")
	mu.Lock()
	defer mu.Unlock()
	orig := Original(m)
	if orig == nil {
		return nil, nil, fmt.Errorf("registry: swap %s: %w", m, ErrNoOriginal)
	}
	if impl == nil {
		return nil, nil, fmt.Errorf("registry: swap %s: nil implementation", m)
	}
	if !implements(m, impl) {
		return nil, nil, fmt.Errorf("registry: swap %s: %T does not implement the %s module's interface", m, impl, m)
	}
	if isForwarder(impl) {
		impl = orig
	}
	prev = Current(m)
	if same(prev, impl) {
		return prev, nil, nil
	}
	storeLocked(m, impl)
	epoch.Add(1)
	for _, b := range bindings {
		if b.Module == m && same(b.effective(), prev) {
			stale = append(stale, *b)
		}
	}
	return prev, stale, nil
}
