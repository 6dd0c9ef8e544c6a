package registry

import (
	"fmt"
	"testing"
)

// testEnvKey is the variable SetForTest sets through t.Setenv, for the one
// effect that matters: t.Setenv refuses a test that is parallel or has a
// parallel ancestor, and makes a later t.Parallel panic.
const testEnvKey = "GREENSHIM_REGISTRY_SET_FOR_TEST"

// SetForTest makes impl the current implementation of m for the rest of the
// test and restores the previous one in t.Cleanup. Like t.Setenv, it changes
// the whole process, so it panics in a parallel test (or one with a parallel
// ancestor), and t.Parallel panics after it.
//
// It fails the test if Swap fails, as for an impl of the wrong type.
func SetForTest(t testing.TB, m Module, impl any) {
	t.Helper()
	func() {
		defer func() {
			if p := recover(); p != nil {
				panic(fmt.Sprintf("registry: SetForTest(%s) in a parallel test: the registry belongs to the whole process (%v)", m, p))
			}
		}()
		t.Setenv(testEnvKey, m.String())
	}()
	prev, _, err := Swap(m, impl)
	if err != nil {
		t.Fatalf("registry: SetForTest: %v", err)
	}
	t.Cleanup(func() {
		if _, _, err := Swap(m, prev); err != nil {
			t.Errorf("registry: SetForTest: restoring %s: %v", m, err)
		}
	})
}
