#include "textflag.h"

// func getg() uintptr
// The address of the running goroutine's runtime g: a cheap identity for
// "which goroutine am I", used to tell a greenlet from an outside goroutine.
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
