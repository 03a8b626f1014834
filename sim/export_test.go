package sim_test

import "runtime"

func runtimeGoexit() { runtime.Goexit() }
