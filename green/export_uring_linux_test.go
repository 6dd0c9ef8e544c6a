package green

// SetURingSize sets the size of the rings hubs make from now on, and
// returns a function that puts the old size back.
func SetURingSize(sq, cq uint32) func() {
	old := uringSize
	uringSize.sq, uringSize.cq = sq, cq
	return func() { uringSize = old }
}
