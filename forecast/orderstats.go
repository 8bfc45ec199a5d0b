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
// are sorted. Large ones are counted into bins and only the bins that hold
// a wanted rank are sorted (or binned again when they are still crowded):
// unlike selection by partitioning, the inner loops have no branches that
// depend on the data, which matters more than comparisons for a few
// thousand values. It keeps its buffers between calls.
type orderStatSelector struct {
	counts []int
	wanted []bool
	bins   []uint16            // each value's bin
	sub    [binningDepth][]int // per depth: ranks within the picked values
	picked [binningDepth][]float64
	stats  []float64
}

const (
	statBins     = 512
	sortUpTo     = 64 // samples this small are simply sorted
	binningDepth = 3  // rebinning crowded bins at most this often
	rangeSample  = 64 // values whose range the bins span
)

// orderStats returns the values at ranks (sorted, within v), in the order
// of ranks. v may be reordered. The result is valid until the next call.
func (o *orderStatSelector) orderStats(v []float64, ranks []int) []float64 {
	o.stats = o.stats[:0]
	if o.counts == nil {
		o.counts = make([]int, statBins)
		o.wanted = make([]bool, statBins)
	}
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
	// The inner bins span the range of a strided sample of the values, not
	// their extremes: the long right tail of a multiplicative model's paths
	// would otherwise squeeze most values into a few bins. Values beyond
	// the sample's range go to the two end bins, which hold few of them.
	lo, hi := minMax(v, max(1, len(v)/rangeSample))
	if lo == hi {
		lo, hi = minMax(v, 1)
		if lo == hi {
			for range ranks {
				o.stats = append(o.stats, lo)
			}
			return o.stats
		}
	}
	clear(o.counts)
	clear(o.wanted)
	scale := (statBins - 2) / (hi - lo)
	bin := func(x float64) int {
		b := int((x-lo)*scale) + 1
		if x < lo {
			b = 0
		}
		if x > hi {
			b = statBins - 1
		}
		return b
	}
	if cap(o.bins) < len(v) {
		o.bins = make([]uint16, len(v))
	}
	bins := o.bins[:len(v)]
	for i, x := range v {
		b := bin(x)
		bins[i] = uint16(b)
		o.counts[b]++
	}
	// Mark the bin of each wanted rank; ranks within the picked values are
	// the rank less everything in unwanted bins below it.
	sub := o.sub[depth-1][:0]
	cum, skipped, b := 0, 0, 0
	for _, r := range ranks {
		for cum+o.counts[b] <= r {
			cum += o.counts[b]
			if !o.wanted[b] {
				skipped += o.counts[b]
			}
			b++
		}
		o.wanted[b] = true
		sub = append(sub, r-skipped)
	}
	o.sub[depth-1] = sub
	picked := o.picked[depth-1][:0]
	for i, b := range bins {
		if o.wanted[b] {
			picked = append(picked, v[i])
		}
	}
	o.picked[depth-1] = picked
	if len(picked) == len(v) {
		depth = 1 // binning cannot separate these values; sort them
	}
	return o.find(picked, sub, depth-1)
}

// minMax is the least and greatest of every stride-th value of v.
func minMax(v []float64, stride int) (lo, hi float64) {
	lo, hi = v[0], v[0]
	for i := stride; i < len(v); i += stride {
		// Plain comparisons: the min and max builtins' NaN and signed-zero
		// rules cost a third of the loop.
		if x := v[i]; x < lo {
			lo = x
		} else if x > hi {
			hi = x
		}
	}
	return lo, hi
}
