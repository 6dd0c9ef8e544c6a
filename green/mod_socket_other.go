//go:build !linux

package green

import (
	"context"
	"net"
	"os"
	"syscall"
)

// fastPath is off where accept4 and ppoll are not known to be available:
// a greenlet's socket calls run package net's blocking calls off the hub.
var fastPath = false

func pollNow(fd uintptr, events int16) bool { return true }

// pollable has no poller here: greenlets wait through helper goroutines.
type pollable struct {
	rc syscall.RawConn
}

// pollSlot is never made here.
type pollSlot struct{}

func (*pollSlot) wait(*Greenlet, int64, string) error { return nil }

func (*pollable) slotFor(*Greenlet) (*pollSlot, bool) { return nil, false }
func (*pollable) closeSlot()                          {}
func (*pollable) wakeSlot()                           {}
func (*pollable) wakeURing()                          {}

// acceptOnce is never called here (no fast path).
func (op *acceptOp) acceptOnce(uintptr) { op.fd, op.errno = -1, syscall.EAGAIN }

// There is no io_uring here.
type uringRing struct{}

func (*uringRing) round() {}
func (*uringRing) idle()  {}
func (*uringRing) shut()  {}

// shutPoller has no poller to end here.
func shutPoller(*Hub) {}

type uringFd struct{}

func adoptForRing(*Hub, net.Conn, *os.File) bool { return false }

func (c *conn) lazyShutdown(bool) error { panic("green: a lazy conn without io_uring") }

// ringDial cannot dial here: there is no io_uring.
func ringDial(*Hub, *Greenlet, *net.Dialer, context.Context, string, string) (net.Conn, error, bool) {
	return nil, nil, false
}

type lazyOpts struct{}

func (c *conn) sockOpts() *lazyOpts { return nil }
func (*lazyOpts) restore()          {}

// inheritControl is user's Control: there are no lazy conns here.
func inheritControl(user func(string, string, syscall.RawConn) error, _ net.KeepAliveConfig, _ *bool) func(string, string, syscall.RawConn) error {
	return user
}

func (*pollable) uringFor(*Greenlet) *uringFd { return nil }

// Pollers, as Stats.Poller names them.
const (
	PollerEpoll   = "epoll"
	PollerIOURing = "io_uring"
)

// PollerEnv names the environment variable that chooses the socket
// module's poller where Options.Poller does not (Linux only).
const PollerEnv = "GREENSHIM_POLLER"

func choosePoller(Options) string { return "goroutines" }

// The io_uring backend's operations, which uringFor's nil keeps from being
// reached here.
type uop struct{ onLate func(*uop) }

func (c *conn) keepRead(*uop) {}

func (c *conn) readURing(*Greenlet, *uringFd, []byte) (int, error) {
	panic("green: io_uring read without io_uring")
}

func (c *conn) writeURing(*Greenlet, *uringFd, []byte) (int, error) {
	panic("green: io_uring write without io_uring")
}

func (l *listener) acceptURing(*Greenlet, *uringFd) (net.Conn, error) {
	panic("green: io_uring accept without io_uring")
}
