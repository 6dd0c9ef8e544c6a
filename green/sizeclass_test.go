package green

import (
	"testing"
	"unsafe"
)

// A million sleeping greenlets hold a million Greenlets: the struct is
// kept to the 256-byte size class, and what few greenlets use lives in
// extra. A field added past it costs every greenlet 32 bytes more.
func TestGreenlet_FitsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Greenlet{}); n > 256 {
		t.Errorf("a Greenlet is %d bytes, more than the 256-byte size class", n)
	}
}
