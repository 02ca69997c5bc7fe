//go:build !race

package openapi

// raceEnabled: the race detector slows the code under test several times;
// the corpus sweeps sample under it.
const raceEnabled = false
