//go:build !race

package expression

// raceEnabled tells timing assertions that the race detector slows the
// code under test several times.
const raceEnabled = false
