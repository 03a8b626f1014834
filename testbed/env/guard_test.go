package env_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tracebed/tracebed/testbed/env"
)

// onShared is a scenario on the stackcontext platform whose run is f.
func onShared(f func(e env.Env) error) env.Scenario {
	return env.Scenario{Name: "shared", Platforms: []env.Platform{env.StackContext}, Run: f}
}

// TestStackContextLeftActive: on the stackcontext platform, where tasks
// share their context and no task is checked on its own, a context that
// env.StackContext opened must be back to nothing active once its last
// task ends, whichever task left the scope open.
func TestStackContextLeftActive(t *testing.T) {
	tests := []struct {
		name string
		run  func(e env.Env) error
		want string // "" for a passing run
	}{{
		name: "the opener leaves a scope open",
		run: func(e env.Env) error {
			e.StackContext(func() { e.Tracer().StartActiveSpan("forgotten").Span().Finish() })
			return nil
		},
		want: `"forgotten"`,
	}, {
		name: "a task of the context leaves a scope open",
		run: func(e env.Env) error {
			e.StackContext(func() {
				e.Go("child", func() { e.Tracer().StartActiveSpan("forgotten").Span().Finish() })
			})
			e.Wait()
			return nil
		},
		want: `"forgotten"`,
	}, {
		name: "a task still in its scope when the opener returns",
		run: func(e env.Env) error {
			e.StackContext(func() {
				e.Go("child", func() {
					sc := e.Tracer().StartActiveSpan("late")
					e.Yield()
					sc.Close()
				})
			})
			e.Wait()
			return nil
		},
	}, {
		name: "nested contexts, each closed",
		run: func(e env.Env) error {
			e.StackContext(func() {
				sc := e.Tracer().StartActiveSpan("outer")
				e.StackContext(func() {
					e.Go("inner", func() { e.Tracer().StartActiveSpan("inner").Close() })
				})
				e.Yield()
				sc.Close()
			})
			e.Wait()
			return nil
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := onShared(tt.run)
			for _, st := range env.Strategies() {
				stats, err := env.Explore(sc, env.StackContext, env.Exploration{Strategy: st, Seeds: 50})
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.want == "" && stats.First != nil:
					t.Fatalf("%s: %d of %d runs failed: %v", st, stats.Failures, stats.Runs, stats.First)
				case tt.want != "" && stats.Failures != stats.Runs:
					t.Fatalf("%s: %d of %d runs passed, want every one to fail", st, stats.Runs-stats.Failures, stats.Runs)
				case tt.want != "" && (!errors.Is(stats.First, env.ErrScopeLeft) || !strings.Contains(stats.First.Error(), tt.want)):
					t.Fatalf("%s: got %v, want an ErrScopeLeft naming %s", st, stats.First, tt.want)
				}
			}
		})
	}
}
