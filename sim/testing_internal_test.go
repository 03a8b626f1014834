package sim

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegisterFlags_EnvDefaults(t *testing.T) {
	env := map[string]string{"SIM_SEED": "17", "SIM_STRATEGY": "pct:2", "SIM_SEEDS": "10-19", "SIM_SCHEDULE": "1:01"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f := registerFlags(fs, lookup)
	assert.Equal(t, optSeed{set: true, v: 17}, f.seed)
	assert.Equal(t, "pct:2", f.strategy)
	assert.Equal(t, "10-19", f.seeds)
	assert.Equal(t, "1:01", f.schedule)
	require.NoError(t, fs.Parse([]string{"-sim.seed=3", "-sim.strategy=random"}))
	assert.Equal(t, uint64(3), f.seed.v)
	assert.Equal(t, "random", f.strategy)
}

func TestRegisterFlags_BadEnvPanics(t *testing.T) {
	tests := []struct{ key, value string }{
		{"SIM_SEED", "x"}, {"SIM_STRATEGY", "nope"}, {"SIM_SEEDS", "5-1"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			lookup := func(k string) (string, bool) { return tt.value, k == tt.key }
			assert.PanicsWithValue(t, "sim: "+tt.key+"=\""+tt.value+"\": "+badEnvReason(tt.key, tt.value), func() {
				registerFlags(flag.NewFlagSet("t", flag.ContinueOnError), lookup)
			})
		})
	}
}

func badEnvReason(key, value string) string {
	switch key {
	case "SIM_SEED":
		return (&optSeed{}).Set(value).Error()
	case "SIM_STRATEGY":
		_, err := ParseStrategy(value)
		return err.Error()
	}
	_, _, err := parseSeeds(value)
	return err.Error()
}

func TestParseSeeds(t *testing.T) {
	tests := []struct {
		give      string
		wantFirst uint64
		wantN     int
		wantErr   bool
	}{
		{"100", 0, 100, false},
		{"1000-1999", 1000, 1000, false},
		{"0", 0, 0, true},
		{"9-3", 0, 0, true},
		{"x", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			first, n, err := parseSeeds(tt.give)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantFirst, first)
			assert.Equal(t, tt.wantN, n)
		})
	}
}

func TestRunPattern(t *testing.T) {
	assert.Equal(t, `^TestA$/^b\.c$`, runPattern("TestA/b.c"))
}
