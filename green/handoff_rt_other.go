//go:build !((amd64 || arm64) && go1.26 && !go1.27)

package green

import (
	"errors"
	"runtime"
)

// The hand-off reads the runtime's record of a goroutine at offsets known
// for Go 1.26 on amd64 and arm64 (handoff_rt.go); elsewhere it is
// unavailable and a hub keeps gevent's behaviour: a greenlet in a foreign
// wait holds it, and the monitor reports it.

type gsnap struct{}

func readG(uintptr) gsnap             { return gsnap{} }
func (gsnap) foreign() (string, bool) { return "", false }
func (gsnap) same(gsnap) bool         { return false }
func (gsnap) walk() []uintptr         { return nil }
func rtAvailable() error              { return errUnsupported }

var errUnsupported = errors.New("not supported on " + runtime.Version() + " " + runtime.GOARCH)
