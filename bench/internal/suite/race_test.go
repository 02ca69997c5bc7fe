//go:build race

package suite

// raceEnabled: the test binary runs under the race detector, so the
// programs it builds are built with -race too (their packages are then in
// the build cache already) and sizes stay small.
const raceEnabled = true
