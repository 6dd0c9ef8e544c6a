package simdisk

import (
	"os"
	"slices"
	"strings"
	"syscall"
)

// The environment and host name are the host's own: a disk starts with
// Options.Env and Options.Hostname, changes touch only this disk (never the
// process), and a crash starts the environment again from Options.Env, as a
// restarted process would.

func (d *Disk) resetEnvLocked() {
	d.env = make(map[string]string, len(d.initEnv))
	for k, v := range d.initEnv {
		d.env[k] = v
	}
}

// Getenv copies os.Getenv.
func (d *Disk) Getenv(key string) string {
	v, _ := d.LookupEnv(key)
	return v
}

// LookupEnv copies os.LookupEnv.
func (d *Disk) LookupEnv(key string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.env[key]
	return v, ok
}

// Setenv copies os.Setenv: an empty key, or one holding '=' or NUL, fails
// with an *os.SyscallError wrapping EINVAL.
func (d *Disk) Setenv(key, value string) error {
	if key == "" || strings.ContainsAny(key, "=\x00") || strings.ContainsRune(value, 0) {
		return os.NewSyscallError("setenv", syscall.EINVAL)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.env[key] = value
	return nil
}

// Unsetenv copies os.Unsetenv.
func (d *Disk) Unsetenv(key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.env, key)
	return nil
}

// Environ copies os.Environ, sorted by key so runs print the same.
func (d *Disk) Environ() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.env))
	for k, v := range d.env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// Hostname copies os.Hostname: Options.Hostname, or "localhost".
func (d *Disk) Hostname() (string, error) { return d.hostname, nil }
