package testbed

// Registered is the registry in its source order, for map_test.go, which
// pairs each entry with its expression in registry.go
// (clientserver.Scenario, commonrequest.BadSolution, ...) to find the
// scenario package's test that runs it.
var Registered = scenarios
