//go:build !race

package sim_test

// raceEnabled reports a -race build, under which allocation counts differ.
const raceEnabled = false
