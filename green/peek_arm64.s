#include "textflag.h"

// func peekWord(addr uintptr) uintptr
// See peek_amd64.s.
TEXT ·peekWord(SB),NOSPLIT,$0-16
	MOVD addr+0(FP), R0
	MOVD (R0), R0
	MOVD R0, ret+8(FP)
	RET
