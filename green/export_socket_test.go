package green

// SetSocketFastPath turns the socket module's non-blocking fast path on or
// off (off: package net's blocking calls run off the hub, the design it was
// measured against) and returns a function that puts the old value back.
// Not safe while conns are being made.
func SetSocketFastPath(on bool) (restore func()) {
	old := fastPath
	fastPath = on
	return func() { fastPath = old }
}
