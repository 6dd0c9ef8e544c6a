package green

import "syscall"

// The raw system calls of the fast paths, which are off on Windows
// (fastPath): these only keep the build whole.

func sysRead(fd uintptr, p []byte) (int, error)  { return syscall.Read(syscall.Handle(fd), p) }
func sysWrite(fd uintptr, p []byte) (int, error) { return syscall.Write(syscall.Handle(fd), p) }
func sysRecvfrom(fd uintptr, p []byte) (int, syscall.Sockaddr, error) {
	return syscall.Recvfrom(syscall.Handle(fd), p, 0)
}
