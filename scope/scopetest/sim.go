package scopetest

func newSimRunner(seed uint64) runner {
	panic("scopetest: SimTasks needs package sim, not there yet")
}
