package green

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
