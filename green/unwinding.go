package green

// Unwinding reports whether v, a value recovered from a panic in a
// greenlet, is the hub unwinding the greenlet out of a wait (a kill, or a
// Timeout or deadlock ending a wait that has no error result) rather than
// a panic of the program's. Code that recovers panics in greenlets, as
// servers do around their handlers, must panic again with such a v, or the
// kill or timeout would be lost:
//
//	defer func() {
//		if v := recover(); v != nil {
//			if green.Unwinding(v) {
//				panic(v)
//			}
//			log.Printf("handler panicked: %v", v)
//		}
//	}()
func Unwinding(v any) bool {
	_, ok := v.(unwind)
	return ok
}
