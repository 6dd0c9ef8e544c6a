package iface

import "github.com/spf13/afero"

// OS is the os module: a file system and the process environment.
//
// The file system is an [afero.Fs], whose methods copy the functions of the
// same names in package os (Open copies os.Open, OpenFile os.OpenFile, and so
// on), so that afero's helpers (afero.ReadFile, afero.Walk, afero.NewIOFS)
// work on any implementation.
type OS interface {
	afero.Fs
	Env
}

// Env is the process environment and host name.
type Env interface {
	// Getenv copies os.Getenv.
	Getenv(key string) string
	// LookupEnv copies os.LookupEnv.
	LookupEnv(key string) (string, bool)
	// Setenv copies os.Setenv.
	Setenv(key, value string) error
	// Unsetenv copies os.Unsetenv.
	Unsetenv(key string) error
	// Environ copies os.Environ: a copy, in "key=value" form.
	Environ() []string
	// Hostname copies os.Hostname.
	Hostname() (string, error)
}
