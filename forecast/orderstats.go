package forecast

import "slices"

// quantileRanks lists, sorted and without repeats, the order statistics
// (0-based ranks among n values) that typeSeven needs for the central
// intervals at levels.
func quantileRanks(n int, levels []float64, buf []int) []int {
	buf = buf[:0]
	for _, lv := range levels {
		tail := (1 - lv/100) / 2
		for _, q := range []float64{tail, 1 - tail} {
			i := int(q * float64(n-1))
			buf = append(buf, i, min(i+1, n-1))
		}
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}

// typeSeven is the p-quantile of n values (R's type 7, linear between
// order statistics), from the order statistics stats at ranks.
func typeSeven(ranks []int, stats []float64, n int, p float64) float64 {
	pos := p * float64(n-1)
	i := int(pos)
	at := func(r int) float64 { return stats[slices.Index(ranks, r)] }
	if i+1 >= n {
		return at(i)
	}
	return at(i) + (at(i+1)-at(i))*(pos-float64(i))
}

// orderStatSelector finds a few order statistics of a sample. Small samples
// are sorted. Large ones are counted into equal-width bins and only the
// bins that hold a wanted rank are sorted (or binned again when heavy
// tails crowd them): unlike selection by partitioning, the inner loops have
// no branches that depend on the data, which matters more than comparisons
// for a few thousand values. It keeps its buffers between calls.
type orderStatSelector struct {
	counts []int
	wanted []bool
	stats  []float64
}

const (
	statBins     = 512
	sortUpTo     = 64 // samples this small are simply sorted
	binningDepth = 3  // rebinning crowded bins at most this often
)

// orderStats returns the values at ranks (sorted, within v), in the order
// of ranks. v may be reordered. The result is valid until the next call.
func (o *orderStatSelector) orderStats(v []float64, ranks []int) []float64 {
	o.stats = o.stats[:0]
	return o.find(v, ranks, binningDepth)
}

func (o *orderStatSelector) find(v []float64, ranks []int, depth int) []float64 {
	if len(v) <= sortUpTo || depth == 0 {
		slices.Sort(v)
		for _, r := range ranks {
			o.stats = append(o.stats, v[r])
		}
		return o.stats
	}
	if o.counts == nil {
		o.counts = make([]int, statBins)
		o.wanted = make([]bool, statBins)
	}
	clear(o.counts)
	clear(o.wanted)
	lo, hi := v[0], v[0]
	for _, x := range v {
		// Plain comparisons: the min and max builtins' NaN and signed-zero
		// rules cost a third of this function.
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	if lo == hi {
		for range ranks {
			o.stats = append(o.stats, lo)
		}
		return o.stats
	}
	scale := (statBins - 1) / (hi - lo)
	for _, x := range v {
		o.counts[int((x-lo)*scale)]++
	}
	// Mark the bin of each wanted rank; ranks within the picked values are
	// the rank less everything in unwanted bins below it.
	sub := make([]int, len(ranks))
	cum, skipped, b := 0, 0, 0
	for j, r := range ranks {
		for cum+o.counts[b] <= r {
			cum += o.counts[b]
			if !o.wanted[b] {
				skipped += o.counts[b]
			}
			b++
		}
		o.wanted[b] = true
		sub[j] = r - skipped
	}
	picked := make([]float64, 0, 4*len(ranks)+len(v)/statBins*len(ranks))
	for _, x := range v {
		if o.wanted[int((x-lo)*scale)] {
			picked = append(picked, x)
		}
	}
	if len(picked) == len(v) {
		depth = 1 // binning cannot separate these values; sort them
	}
	return o.find(picked, sub, depth-1)
}
