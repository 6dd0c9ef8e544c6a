//go:build !amd64 && !arm64

package green

import (
	"bytes"
	"runtime"
	"strconv"
)

// getg returns the goroutine id parsed from the stack header: slow (about a
// microsecond) but portable; amd64 and arm64 read the g pointer instead.
func getg() uintptr {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return uintptr(id)
}
