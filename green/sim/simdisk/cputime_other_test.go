//go:build !unix

package simdisk_test

import "time"

// cpuTime is not measured here: the benchmark reports 0 cpu-ns/op.
func cpuTime() time.Duration { return 0 }
