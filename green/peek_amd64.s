#include "textflag.h"

// func peekWord(addr uintptr) uintptr
// A plain load of the word at addr, outside the race detector and checkptr:
// the hand-off reads the runtime's record of another goroutine (its status
// and saved frame pointer) and that goroutine's stack, which Go code may
// not name. See handoff_rt.go.
TEXT ·peekWord(SB),NOSPLIT,$0-16
	MOVQ addr+0(FP), AX
	MOVQ (AX), AX
	MOVQ AX, ret+8(FP)
	RET
