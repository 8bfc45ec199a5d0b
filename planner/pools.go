package planner

import (
	"cmp"
	"slices"
	"strings"

	"github.com/capplan/capplan/collectors"
)

// Pools is Ceph's one raw space divided among its pools. Every pool draws
// on the same OSDs: Ceph's max_avail of each pool is the whole free space
// seen through that pool's replication, so pools planned each against its
// own max_avail count the free space once per pool. Here the free raw
// space is divided once, in proportion to what each pool added to it over
// the last growthDays (or, when none grew, to what each holds), so that
// the pools' planned capacities fill the raw space together and a pool
// growing at its pace reaches its capacity on the day the raw space is
// full. The raw space itself is planned by ceph/raw_used and ceph/stored;
// a pool has no date of its own unless it has a quota.
type Pools struct {
	// RawBytes is Ceph's raw capacity; FreeRawBytes what no pool's data,
	// copies or overhead take of it.
	RawBytes     float64 `json:"raw_bytes"`
	FreeRawBytes float64 `json:"free_raw_bytes"`
	// ByGrowth is true when the free space is divided by the pools'
	// growth over the last growthDays, false when by what they hold
	// (no pool grew, or no pool had the history to tell).
	ByGrowth bool `json:"by_growth"`
	// Shares are the pools, largest planned capacity first; System the
	// small pools Ceph keeps for itself (.mgr, device_health_metrics),
	// listed apart but part of the sum.
	Shares []PoolShare `json:"shares"`
	System []PoolShare `json:"system,omitempty"`
}

// PoolShare is one pool's part of the raw space, in the bytes clients
// store in it.
type PoolShare struct {
	Pool   string  `json:"pool"`
	Stored float64 `json:"stored_bytes"`
	// Replication is the raw bytes a stored byte takes; Assumed when the
	// pool's own is unknown and the cluster's (the largest pool's) stands
	// in.
	Replication        float64 `json:"replication"`
	ReplicationAssumed bool    `json:"replication_assumed,omitempty"`
	// Growth is the trend of its stored bytes over the last growthDays
	// (the least-squares slope times growthDays); nil without the history
	// to tell.
	Growth *float64 `json:"growth,omitempty"`
	// Share is its fraction of the free raw space; Capacity what it holds
	// with that share: Stored + Share × FreeRawBytes / Replication.
	Share    float64 `json:"share"`
	Capacity float64 `json:"capacity_bytes"`
	// Quota is the pool's own quota in bytes (0: none); a pool with one is
	// also planned against it, as ceph/pool/NAME/stored.
	Quota float64 `json:"quota_bytes,omitempty"`
}

// Total is the sum of the pools' planned capacities, system pools
// included: the usable space when every pool has the same replication.
func (p *Pools) Total() float64 {
	var t float64
	for _, s := range slices.Concat(p.Shares, p.System) {
		t += s.Capacity
	}
	return t
}

// systemPool says whether Ceph keeps a pool for itself: the manager's
// (.mgr, device_health_metrics before Quincy) and the other dot-named
// ones (.rgw.root, .nfs).
func systemPool(name string) bool {
	return strings.HasPrefix(name, ".") || name == "device_health_metrics"
}

// poolsOf divides c's free raw space among its pools; replication is the
// cluster's (the largest pool's), standing in where a pool's own is
// unknown. Nil without pools, or when a pool's replication is unknown and
// nothing stands in: its share of raw space in stored bytes cannot be
// said then.
func poolsOf(c *collectors.Ceph, replication float64, series map[string]collectors.Series) *Pools {
	if c == nil || len(c.Pools) == 0 || c.TotalBytes <= 0 {
		return nil
	}
	if !(replication > 0) && slices.ContainsFunc(c.Pools, func(p collectors.Pool) bool { return !(p.Replication > 0) }) {
		return nil
	}
	out := &Pools{RawBytes: float64(c.TotalBytes)}
	shares := make([]PoolShare, len(c.Pools))
	var grown, held float64
	for i, p := range c.Pools {
		s := PoolShare{Pool: p.Name, Stored: float64(p.StoredBytes), Replication: p.Replication, Quota: float64(p.QuotaBytes)}
		if s.Replication == 0 {
			s.Replication, s.ReplicationAssumed = replication, true
		}
		if h, ok := series["ceph/pool/"+p.Name+"/stored"]; ok && len(h.Days) > 0 {
			if _, next, ok := trend(h, h.Days[len(h.Days)-1].Date); ok {
				s.Growth = &next
				grown += max(0, next) * s.Replication
			}
		}
		held += s.Stored * s.Replication
		shares[i] = s
	}
	// Raw use is at least the pools' copies (a source may not report
	// it): the pools never hold more than the raw space.
	out.FreeRawBytes = max(0, float64(c.TotalBytes)-max(float64(c.UsedBytes), held))
	out.ByGrowth = grown > 0
	for i := range shares {
		s := &shares[i]
		switch {
		case out.ByGrowth && s.Growth != nil:
			s.Share = max(0, *s.Growth) * s.Replication / grown
		case !out.ByGrowth && held > 0:
			s.Share = s.Stored * s.Replication / held
		}
		s.Capacity = s.Stored + s.Share*out.FreeRawBytes/s.Replication
	}
	slices.SortFunc(shares, func(a, b PoolShare) int {
		if c := cmp.Compare(b.Capacity, a.Capacity); c != 0 {
			return c
		}
		return strings.Compare(a.Pool, b.Pool)
	})
	for _, s := range shares {
		if systemPool(s.Pool) {
			out.System = append(out.System, s)
		} else {
			out.Shares = append(out.Shares, s)
		}
	}
	return out
}
