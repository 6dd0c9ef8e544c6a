package blocking

import (
	"os"

	"github.com/greenshim/greenshim/iface"
)

var _ iface.Env = OS{}

// Getenv copies os.Getenv.
func (OS) Getenv(key string) string { return os.Getenv(key) }

// LookupEnv copies os.LookupEnv.
func (OS) LookupEnv(key string) (string, bool) { return os.LookupEnv(key) }

// Setenv copies os.Setenv.
func (OS) Setenv(key, value string) error { return os.Setenv(key, value) }

// Unsetenv copies os.Unsetenv.
func (OS) Unsetenv(key string) error { return os.Unsetenv(key) }

// Environ copies os.Environ.
func (OS) Environ() []string { return os.Environ() }

// Hostname copies os.Hostname.
func (OS) Hostname() (string, error) { return os.Hostname() }
