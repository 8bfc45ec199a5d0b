package forecast

import "slices"

// typeSeven is the p-quantile of n values (R's type 7, linear between
// order statistics), given the order statistics it needs by rank.
func typeSeven(stats map[int]float64, n int, p float64) float64 {
	pos := p * float64(n-1)
	i := int(pos)
	if i+1 >= n {
		return stats[i]
	}
	return stats[i] + (stats[i+1]-stats[i])*(pos-float64(i))
}

// orderStatSelector finds a few order statistics of a large sample by
// counting values into equal-width bins and sorting only the bins that hold
// a wanted rank. Unlike selection by partitioning, its inner loops have no
// branches that depend on the data, which matters more than comparisons
// for a few thousand values. It keeps its buffers between calls.
type orderStatSelector struct {
	counts []int
	wanted []bool
	picked []float64
	stats  map[int]float64
}

const statBins = 512

func (o *orderStatSelector) orderStats(v []float64, ranks []int) map[int]float64 {
	if o.counts == nil {
		o.counts = make([]int, statBins)
		o.wanted = make([]bool, statBins)
		o.stats = make(map[int]float64, len(ranks))
	}
	clear(o.counts)
	clear(o.wanted)
	clear(o.stats)
	lo, hi := v[0], v[0]
	for _, x := range v {
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	if lo == hi {
		for _, r := range ranks {
			o.stats[r] = lo
		}
		return o.stats
	}
	scale := (statBins - 1) / (hi - lo)
	for _, x := range v {
		o.counts[int((x-lo)*scale)]++
	}
	// The bin of each wanted rank, and the rank of its first element.
	binOf := make([]int, len(ranks))
	firstRank := make([]int, len(ranks))
	cum, b := 0, 0
	for j, r := range ranks {
		for cum+o.counts[b] <= r {
			cum += o.counts[b]
			b++
		}
		binOf[j], firstRank[j] = b, cum
		o.wanted[b] = true
	}
	o.picked = o.picked[:0]
	for _, x := range v {
		if o.wanted[int((x-lo)*scale)] {
			o.picked = append(o.picked, x)
		}
	}
	// picked holds the wanted bins in order; a rank's value sits at its
	// offset within its bin plus the sizes of the wanted bins before it.
	inPicked := make([]int, len(ranks))
	for j, r := range ranks {
		offset := 0
		for bb := 0; bb < binOf[j]; bb++ {
			if o.wanted[bb] {
				offset += o.counts[bb]
			}
		}
		inPicked[j] = offset + r - firstRank[j]
	}
	if len(o.picked) > 256 && len(o.picked) < len(v) {
		// Heavy tails crowd most values into a few bins: bin again within them.
		sub := orderStatSelector{}
		picked := slices.Clone(o.picked)
		subStats := sub.orderStats(picked, slices.Compact(slices.Clone(inPicked)))
		for j, r := range ranks {
			o.stats[r] = subStats[inPicked[j]]
		}
		return o.stats
	}
	slices.Sort(o.picked)
	for j, r := range ranks {
		o.stats[r] = o.picked[inPicked[j]]
	}
	return o.stats
}
