package green

import (
	"errors"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The system-call layer of the io_uring backend, and all of it: setting a
// ring up, filling submission entries, entering the kernel and reading
// completions. No Go io_uring module served by the module proxy fit (the
// ports of liburing are not served, or start goroutines of their own), and
// the hub needs only this much: one ring per hub, used from the hub alone,
// so no lock and no SQPOLL thread.

// The io_uring ABI (include/uapi/linux/io_uring.h); the system call
// numbers are the same on every architecture.
const (
	sysIOURingSetup = 425
	sysIOURingEnter = 426

	uringOffSQRing = 0
	uringOffCQRing = 0x8000000
	uringOffSQEs   = 0x10000000

	uringFeatSingleMmap = 1 << 0
	uringFeatNoDrop     = 1 << 1

	uringEnterGetEvents = 1 << 0

	uringSetupCQSize      = 1 << 3 // IORING_SETUP_CQSIZE
	uringSetupCoopTaskrun = 1 << 8 // IORING_SETUP_COOP_TASKRUN
	uringSetupTaskrunFlag = 1 << 9 // IORING_SETUP_TASKRUN_FLAG

	uringSQTaskrun = 1 << 2 // IORING_SQ_TASKRUN

	uringSQCQOverflow = 1 << 1 // IORING_SQ_CQ_OVERFLOW

	uringOpAccept      = 13
	uringOpAsyncCancel = 14
	uringOpConnect     = 16
	uringOpSend        = 26
	uringOpRecv        = 27
)

// uringParams is struct io_uring_params.
type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  uringSQOffsets
	cqOff                                                                  uringCQOffsets
}

type uringSQOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type uringCQOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

// uringSQE is struct io_uring_sqe (64 bytes), in the layout of the ops used
// here.
type uringSQE struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64 // addr2: accept's addrlen pointer
	addr     uint64 // buffer, or the user_data of the op to cancel
	len      uint32
	opFlags  uint32 // msg_flags, accept_flags, cancel_flags
	userData uint64
	bufIndex uint16
	_        uint16
	_        int32
	_        [2]uint64
}

// uringCQE is struct io_uring_cqe.
type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// uring is one io_uring instance. Hub-only, except fd and the CQ tail,
// which the ring's waiting goroutine reads (atomically).
type uring struct {
	fd    int
	coop  bool   // set up with uringCoopFlags
	mem   []byte // the SQ and CQ rings (one mapping)
	sqMem []byte // the SQEs

	sqHead, sqTail *uint32
	sqFlags        *uint32
	sqMask         uint32
	sqes           []uringSQE
	queued         uint32 // SQEs filled and not yet submitted

	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           []uringCQE
}

// uringCoopFlags are the set-up flags newRing tries first (see the
// backend's doc, mod_socket_uring_linux.go). A test replaces them.
var uringCoopFlags uint32 = uringSetupCoopTaskrun | uringSetupTaskrunFlag

// newRing sets up a ring of entries submission entries (a power of two)
// and cqEntries completion entries (zero: twice entries). Completions that
// do not fit wait in the kernel (IORING_FEAT_NODROP) until an enter flushes
// them in (see overflowed).
func newRing(entries, cqEntries uint32) (*uring, error) {
	var p uringParams
	var fd uintptr
	var errno syscall.Errno
	var coop uint32
	// A kernel before 5.19 refuses the cooperative flags (EINVAL): then
	// the ring goes without them.
	for _, coop = range []uint32{uringCoopFlags, 0} {
		p = uringParams{flags: coop}
		if cqEntries > 0 {
			p.flags, p.cqEntries = p.flags|uringSetupCQSize, cqEntries
		}
		fd, _, errno = syscall.Syscall(sysIOURingSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
		if errno != syscall.EINVAL {
			break
		}
	}
	if errno != 0 {
		return nil, errno
	}
	r := &uring{fd: int(fd), coop: coop != 0}
	if p.features&uringFeatSingleMmap == 0 || p.features&uringFeatNoDrop == 0 {
		syscall.Close(r.fd)
		return nil, errors.New("kernel too old (no single mmap, no CQ overflow list)")
	}
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(uringCQE{})))
	mem, err := syscall.Mmap(r.fd, uringOffSQRing, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		syscall.Close(r.fd)
		return nil, err
	}
	sqMem, err := syscall.Mmap(r.fd, uringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		syscall.Munmap(mem)
		syscall.Close(r.fd)
		return nil, err
	}
	r.mem, r.sqMem = mem, sqMem
	at := func(off uint32) unsafe.Pointer { return unsafe.Pointer(&mem[off]) }
	r.sqHead, r.sqTail = (*uint32)(at(p.sqOff.head)), (*uint32)(at(p.sqOff.tail))
	r.sqFlags = (*uint32)(at(p.sqOff.flags))
	r.sqMask = *(*uint32)(at(p.sqOff.ringMask))
	r.sqes = unsafe.Slice((*uringSQE)(unsafe.Pointer(&sqMem[0])), p.sqEntries)
	// The index array maps ring slot i to SQE i, once and for all.
	array := unsafe.Slice((*uint32)(at(p.sqOff.array)), p.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	r.cqHead, r.cqTail = (*uint32)(at(p.cqOff.head)), (*uint32)(at(p.cqOff.tail))
	r.cqMask = *(*uint32)(at(p.cqOff.ringMask))
	r.cqes = unsafe.Slice((*uringCQE)(at(p.cqOff.cqes)), p.cqEntries)
	return r, nil
}

// close unmaps and closes the ring; in-flight operations are cancelled by
// the kernel.
func (r *uring) close() {
	syscall.Munmap(r.sqMem)
	syscall.Munmap(r.mem)
	syscall.Close(r.fd)
}

// sqe returns the next free submission entry, zeroed, submitting the queued
// ones first if the ring is full.
func (r *uring) sqe() *uringSQE {
	for {
		tail := *r.sqTail + r.queued
		if tail-atomic.LoadUint32(r.sqHead) < uint32(len(r.sqes)) {
			e := &r.sqes[tail&r.sqMask]
			*e = uringSQE{}
			r.queued++
			return e
		}
		r.enter(0)
	}
}

// taskrun reports whether completions wait as task work of the thread
// that submitted them, for its next entry into the kernel.
func (r *uring) taskrun() bool {
	return atomic.LoadUint32(r.sqFlags)&uringSQTaskrun != 0
}

// overflowed reports whether completions wait in the kernel for room in
// the completion ring: an enter with GETEVENTS moves them in.
func (r *uring) overflowed() bool {
	return atomic.LoadUint32(r.sqFlags)&uringSQCQOverflow != 0
}

// enter submits every entry not yet taken by the kernel in one
// io_uring_enter, waiting for at least wait completions (and moving
// overflowed ones into the ring).
func (r *uring) enter(wait uint32) error {
	if r.queued > 0 {
		atomic.StoreUint32(r.sqTail, *r.sqTail+r.queued)
		r.queued = 0
	}
	var flags uintptr
	if wait > 0 || r.overflowed() {
		flags = uringEnterGetEvents
	}
	for {
		n := *r.sqTail - atomic.LoadUint32(r.sqHead)
		_, _, errno := syscall.Syscall6(sysIOURingEnter, uintptr(r.fd), uintptr(n), uintptr(wait), flags, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			// EBUSY, EAGAIN: completions must be read first; what was
			// not taken goes in at the next enter.
			return errno
		}
		return nil
	}
}

// ready reports whether completions are waiting to be read. Any goroutine.
func (r *uring) ready() bool {
	return atomic.LoadUint32(r.cqTail) != atomic.LoadUint32(r.cqHead)
}

// reap hands every waiting completion to f, oldest first.
func (r *uring) reap(f func(userData uint64, res int32)) int {
	head := *r.cqHead
	tail := atomic.LoadUint32(r.cqTail)
	for i := head; i != tail; i++ {
		c := &r.cqes[i&r.cqMask]
		f(c.userData, c.res)
	}
	atomic.StoreUint32(r.cqHead, tail)
	return int(tail - head)
}
