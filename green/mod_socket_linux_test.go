package green_test

import (
	"errors"
	"net"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// acceptPending reports whether ln of package net has a connection waiting
// to be accepted (its descriptor is readable).
func acceptPending(ln net.Listener) (bool, error) {
	rc, err := ln.(syscall.Conn).SyscallConn()
	if err != nil {
		return false, err
	}
	var ready bool
	err = rc.Control(func(fd uintptr) {
		pfd := struct {
			fd              int32
			events, revents int16
		}{fd: int32(fd), events: 0x1}
		var ts syscall.Timespec // zero: do not wait
		n, _, _ := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		ready = n > 0
	})
	return ready, err
}

// An Accept abandoned by its greenlet that gets a conn after the listener
// was closed closes the conn instead of keeping it for an Accept that will
// never come.
func TestSocket_AbandonedAcceptAfterClose(t *testing.T) {
	defer green.SetSocketFastPath(false)() // Accept runs off the hub
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		c, err := s.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		a := green.Spawn(func() error { _, err := ln.Accept(); return err })
		green.Yield() // a waits, off the hub, for the pending connection
		// Hold the hub until package net's Accept has taken the
		// connection, so that its result reaches the hub after Close.
		nl := ln.(interface{ NetListener() net.Listener }).NetListener()
		for end := time.Now().Add(3 * time.Second); ; runtime.Gosched() {
			pending, err := acceptPending(nl)
			if err != nil {
				return err
			}
			if !pending {
				break
			}
			if time.Now().After(end) {
				return errors.New("package net's Accept did not take the connection")
			}
		}
		a.KillAsync()
		if err := ln.Close(); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err = c.Read(make([]byte, 1))
		assert.Error(t, err)
		assert.NotErrorIs(t, err, os.ErrDeadlineExceeded, "the accepted conn was not closed")
		return nil
	})
	require.NoError(t, err)
}
