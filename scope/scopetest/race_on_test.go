//go:build race

package scopetest_test

const raceEnabled = true
