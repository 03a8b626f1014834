package promisepropagation_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tracebed/tracebed/testbed/env"
	"github.com/tracebed/tracebed/testbed/promisepropagation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPromisePropagation(t *testing.T) {
	env.Test(t, promisepropagation.Scenario, env.Config{})
}

func TestPromisePropagationBroken(t *testing.T) {
	env.TestBroken(t, promisepropagation.Scenario)
}

// noActive makes a promise with nothing active: Java dereferenced null
// later; NewPromise says so at once.
var noActive = env.Scenario{
	Name:      "promisepropagation-noactive",
	Platforms: []env.Platform{env.Goroutines, env.Tasks, env.Inheriting, env.Ctx},
	Run: func(e env.Env) error {
		p, err := promisepropagation.NewPromise[int](context.Background(), promisepropagation.NewPromiseContext(e), e.Tracer())
		if p != nil || !errors.Is(err, promisepropagation.ErrNoActiveSpan) {
			return fmt.Errorf("NewPromise with nothing active = %v, %v; want nil, ErrNoActiveSpan", p, err)
		}
		return nil
	},
}

func TestNewPromiseNoActiveSpan(t *testing.T) {
	for _, p := range noActive.Platforms {
		t.Run(p.Name, func(t *testing.T) {
			out, err := env.RunSim(noActive, p, env.Config{Seed: 1})
			require.NoError(t, err)
			require.NoError(t, out.Err)
			if p.Real {
				out, err := env.RunReal(noActive, p, env.Config{})
				require.NoError(t, err)
				require.NoError(t, out.Err)
			}
		})
	}
}

// TestNewPromiseCapturesAtConstruction: the parent is the span active when
// the promise is made, not the one active when it is resolved.
func TestNewPromiseCapturesAtConstruction(t *testing.T) {
	sc := env.Scenario{
		Name:      "promisepropagation-capture",
		Platforms: []env.Platform{env.Tasks},
		Run: func(e env.Env) error {
			tr := e.Tracer()
			pc := promisepropagation.NewPromiseContext(e)
			first := tr.StartActiveSpan("first")
			p, err := promisepropagation.NewPromise[int](context.Background(), pc, tr)
			if err != nil {
				return err
			}
			p.OnSuccess(func(context.Context, int) {})
			first.Close()
			second := tr.StartActiveSpan("second")
			p.Success(1)
			second.Close()
			pc.Phaser.Await(promisepropagation.PhaseReported)
			return nil
		},
	}
	out, err := env.RunSim(sc, env.Tasks, env.Config{Seed: 1})
	require.NoError(t, err)
	require.NoError(t, out.Err)
	require.Equal(t, "first [trace 1 span 1] 0s..0s\n  success [trace 1 span 3 follows_from 1] 0s..0s component=success\nsecond [trace 2 span 2] 0s..0s\n", out.Tree)
}
