//go:build !race

package green

// See race.go.

func raceReleaseHub(*Hub) {}
func raceAcquireHub(*Hub) {}

// stackGuard is the runtime's stack guard (see stack.go).
const stackGuard = 928
