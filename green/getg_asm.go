//go:build amd64 || arm64

package green

// getg returns an identity of the running goroutine, valid while it lives.
//
//go:noescape
func getg() uintptr

// peekWord returns the word at addr; see peek_amd64.s.
//
//go:noescape
func peekWord(addr uintptr) uintptr
