//go:build amd64 || arm64

package green

// getg returns an identity of the running goroutine, valid while it lives.
//
//go:noescape
func getg() uintptr
