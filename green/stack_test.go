package green_test

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"github.com/greenshim/greenshim/green"
)

// A greenlet of a hub with Options.StackSize starts on a stack that size:
// going that deep does not move it (the runtime grows a stack by copying
// it elsewhere).
func TestStackSize_GreenletStartsOnIt(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a GC may shrink a stack, which moves it too
	for _, size := range []int{4096, 8192, 16384, 32768} {
		h := green.New(green.Options{StackSize: size})
		err := h.Run(func() error {
			return green.Spawn(func() error {
				var here byte // on the stack: converting &here to a uintptr does not move it to the heap
				before := uintptr(unsafe.Pointer(&here))
				frames := (size - 1120 - green.StackGuard) / 300 // frames of 256 bytes and more, leaving room for the guard and the frames under them
				deep(frames)
				if after := uintptr(unsafe.Pointer(&here)); after != before {
					return fmt.Errorf("StackSize %d: the greenlet's stack moved from %#x to %#x when it went %d frames deep", size, before, after, frames)
				}
				return nil
			}).Join()
		})
		h.Close()
		if err != nil {
			t.Error(err)
		}
	}
}

//go:noinline
func deep(n int) byte {
	var b [256]byte
	b[n] = byte(n)
	if n == 0 {
		return b[0]
	}
	return deep(n-1) + b[n]
}

func TestStackSize_Invalid(t *testing.T) {
	for _, n := range []int{-1, 32<<10 + 1} {
		func() {
			defer func() {
				p := fmt.Sprint(recover())
				if !strings.HasPrefix(p, "green: Options.StackSize is "+fmt.Sprint(n)) {
					t.Errorf("New with StackSize %d panicked with %q, want a green: message naming the field", n, p)
				}
			}()
			green.New(green.Options{StackSize: n}).Close()
		}()
	}
}
