//go:build unix

package green

import "syscall"

// The raw system calls of the fast paths, on a descriptor as package
// syscall names one here (an int; a Handle on Windows).

func sysRead(fd uintptr, p []byte) (int, error)  { return syscall.Read(int(fd), p) }
func sysWrite(fd uintptr, p []byte) (int, error) { return syscall.Write(int(fd), p) }
func sysRecvfrom(fd uintptr, p []byte) (int, syscall.Sockaddr, error) {
	return syscall.Recvfrom(int(fd), p, 0)
}
