package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestOrderStatsMatchSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sel orderStatSelector
	gens := map[string]func() float64{
		"normal": rng.NormFloat64,
		"ties":   func() float64 { return float64(rng.IntN(5)) },
		"outlier": func() float64 {
			v := rng.NormFloat64()
			if rng.IntN(500) == 0 {
				v *= 1e9
			}
			return v
		},
		"lognorm": func() float64 { return math.Exp(3 * rng.NormFloat64()) },
		"mostly constant": func() float64 {
			if rng.IntN(100) == 0 {
				return rng.NormFloat64()
			}
			return 1
		},
	}
	for name, gen := range gens {
		for _, n := range []int{1, 2, 3, 10, 101, 2000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = gen()
			}
			sorted := slices.Clone(v)
			slices.Sort(sorted)
			ks := quantileRanks(n, []float64{50, 80, 95, 99.99}, nil)
			stats := slices.Clone(sel.orderStats(v, ks))
			for j, k := range ks {
				if stats[j] != sorted[k] {
					t.Errorf("%s n=%d rank %d: %v, want %v", name, n, k, stats[j], sorted[k])
				}
			}
			for _, p := range []float64{0.025, 0.25, 0.75, 0.975} {
				pos := p * float64(n-1)
				i := int(pos)
				want := sorted[i]
				if i+1 < n {
					want += (sorted[i+1] - sorted[i]) * (pos - float64(i))
				}
				if got := typeSeven(ks, stats, n, p); got != want {
					t.Errorf("%s n=%d p=%v: %v, want %v", name, n, p, got, want)
				}
			}
		}
	}
}

// BenchmarkOrderStats selects the bounds of 80% and 95% intervals from
// one step of simulated paths: normal values, and the long right tail of a
// multiplicative model fitted to a spiky series.
func BenchmarkOrderStats(b *testing.B) {
	for _, tc := range []struct {
		name string
		gen  func(*rand.Rand) float64
	}{
		{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() }},
		{"lognormal", func(r *rand.Rand) float64 { return math.Exp(2 * r.NormFloat64()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(5, 6))
			src := make([]float64, simPaths)
			for i := range src {
				src[i] = tc.gen(rng)
			}
			v := make([]float64, simPaths)
			ranks := quantileRanks(simPaths, defaultLevels, nil)
			var sel orderStatSelector
			for b.Loop() {
				copy(v, src)
				sel.orderStats(v, ranks)
			}
		})
	}
}
