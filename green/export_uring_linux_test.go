package green

import "net"

// SetURingSize sets the size of the rings hubs make from now on, and
// returns a function that puts the old size back.
func SetURingSize(sq, cq uint32) func() {
	old := uringSize
	uringSize.sq, uringSize.cq = sq, cq
	return func() { uringSize = old }
}

// RefuseURing makes setting up an io_uring fail with err from now on, as a
// kernel or sandbox that refuses it does: at the probe a hub makes when it
// starts too if probe is set (else only when a hub sets its ring up, after
// a probe that passed). It returns a function that undoes it. No hub may
// be running meanwhile.
func RefuseURing(err error, probe bool) func() {
	oldSetup, oldProbe := setupRing, uringProbe
	setupRing = func(uint32, uint32) (*uring, error) { return nil, err }
	if probe {
		uringProbe = newURingProbe()
	}
	return func() { setupRing, uringProbe = oldSetup, oldProbe }
}

// RingCoop sets a small ring up as hubs do and reports whether it took the
// cooperative task-run flags.
func RingCoop() (bool, error) {
	r, err := setupRing(8, 0)
	if err != nil {
		return false, err
	}
	defer r.close()
	return r.coop, nil
}

// SetURingCoopFlags sets the flags newRing tries first, and returns a
// function that puts the old ones back.
func SetURingCoopFlags(f uint32) func() {
	old := uringCoopFlags
	uringCoopFlags = f
	return func() { uringCoopFlags = old }
}

// LazyConn reports whether c is a lazy conn of the socket module (one
// accepted or dialed on the ring), whether its conn of package net has been
// made since, and the descriptor its ring operations name.
func LazyConn(c net.Conn) (lazy, made bool, fd int) {
	w, ok := c.(*conn)
	if !ok || w.lz == nil {
		return false, false, -1
	}
	return true, w.lz.nc.Load() != nil, int(w.ufd.Load().fd)
}
