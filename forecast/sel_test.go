package forecast

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestMultiSelectMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 10, 101, 2000} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(50)) // ties on purpose
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		var ks []int
		for _, p := range []float64{0, 0.025, 0.1, 0.5, 0.9, 0.975} {
			i := int(p * float64(n-1))
			ks = append(ks, i, min(i+1, n-1))
		}
		slices.Sort(ks)
		ks = slices.Compact(ks)
		multiSelect(v, 0, n-1, ks)
		for _, k := range ks {
			if v[k] != sorted[k] {
				t.Errorf("n=%d rank %d: %v, want %v", n, k, v[k], sorted[k])
			}
		}
		for _, p := range []float64{0.025, 0.5, 0.975} {
			pos := p * float64(n-1)
			i := int(pos)
			want := sorted[i]
			if i+1 < n {
				want += (sorted[i+1] - sorted[i]) * (pos - float64(i))
			}
			if got := typeSeven(v, p); got != want {
				t.Errorf("n=%d p=%v: %v, want %v", n, p, got, want)
			}
		}
	}
}
