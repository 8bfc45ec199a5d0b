package planner

import (
	"math"
	"slices"
	"testing"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/units"
)

// TestPoolsShareOneRawSpace: three pools with 3 copies fill one raw space
// of 2.4 TB, one growing 1 GB a day, one 0.5 GB, one not at all, beside
// a .mgr pool. On the last day they store 299, 149.5, 10 and 0.1 GB, so
// 1,375.8 GB of raw is used and 1,024.2 GB is free; raw use grows
// 3 × 1.5 = 4.5 GB a day and fills the space in 1,024.2 / 4.5 = 227.6
// days. Divided by growth, a takes 2/3 of the free raw space (227.6 GB
// stored: 526.6 GB in all) and b 1/3 (263.3 GB in all); c and .mgr keep
// what they hold. The pools' capacities add up to the usable 800 GB, and
// each growing pool reaches its capacity on the day ceph/raw_used's
// forecast reaches the raw capacity. Each pool planned against its own
// stored + max_avail (the free space counted once a pool) would hold
// 2,348 GB together, and a would be full only after 341 days.
func TestPoolsShareOneRawSpace(t *testing.T) {
	const gb = 1e9
	n := 200
	pools := []struct {
		name          string
		start, perDay float64
	}{{"a", 100 * gb, 1 * gb}, {"b", 50 * gb, 0.5 * gb}, {"c", 10 * gb, 0}, {".mgr", 0.1 * gb, 0}}
	raw := collectors.Series{Name: "ceph/raw_used", Unit: units.Bytes}
	for d := range n {
		var sum float64
		for _, p := range pools {
			sum += p.start + p.perDay*float64(d)
		}
		raw.Days = append(raw.Days, collectors.Day{Date: today.AddDate(0, 0, d-n), Mean: 3 * sum, Peak: 3 * sum})
	}
	ceph := &collectors.Ceph{TotalBytes: 2400 * gb, NearfullRatio: 0.9, FullRatio: 1}
	hist := collectors.History{Series: []collectors.Series{raw}}
	var stored float64
	for _, p := range pools {
		s := linear("ceph/pool/"+p.name+"/stored", n, p.start, p.perDay)
		s.Unit = units.Bytes
		hist.Series = append(hist.Series, s)
		last := s.Days[n-1].Mean
		stored += last
		// max_avail: the free raw space through the pool's 3 copies.
		ceph.Pools = append(ceph.Pools, collectors.Pool{Name: p.name, StoredBytes: int64(last), MaxAvailBytes: int64((2400 - 1375.8) * gb / 3), Replication: 3})
	}
	ceph.UsedBytes = int64(3 * stored)
	ceph.SetUsable()
	cfg := config.Default().Planner
	cfg.Thresholds.StorageExpand, cfg.Thresholds.StorageCritical = 0.9, 1
	plan := makeWith(collectors.Snapshot{Ceph: ceph}, hist, cfg, today, exact)

	if plan.Pools == nil || !plan.Pools.ByGrowth {
		t.Fatalf("pools %+v, want shares by growth", plan.Pools)
	}
	if got, usable := plan.Pools.Total(), float64(ceph.UsableBytes); math.Abs(got-usable) > 1 {
		t.Errorf("pools' capacities add up to %.0f, want the usable %.0f", got, usable)
	}
	want := map[string]float64{"a": 526.6 * gb, "b": 263.3 * gb, "c": 10 * gb, ".mgr": 0.1 * gb}
	for _, s := range slices.Concat(plan.Pools.Shares, plan.Pools.System) {
		if math.Abs(s.Capacity-want[s.Pool]) > 0.001*gb {
			t.Errorf("pool %s: capacity %.3f GB, want %.3f", s.Pool, s.Capacity/gb, want[s.Pool]/gb)
		}
	}
	if len(plan.Pools.System) != 1 || plan.Pools.System[0].Pool != ".mgr" {
		t.Errorf("system pools %+v, want .mgr apart", plan.Pools.System)
	}

	// The raw space's date, from its own projection.
	i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "ceph/raw_used" })
	if i < 0 {
		t.Fatalf("no ceph/raw_used projection: %v %v", plan.Notes, plan.Unknown)
	}
	full := plan.Projections[i].Crossings[1]
	if full.Fraction != 1 || full.Date == nil {
		t.Fatalf("raw space's crossing %+v, want a date at 100%%", full)
	}
	last := today.AddDate(0, 0, -1)
	days := full.Date.Sub(last).Hours() / 24
	if math.Abs(days-227.6) > 1 {
		t.Errorf("raw space full %.1f days after the last day, want 227.6", days)
	}
	// Each growing pool, at its pace, reaches its capacity that day.
	for _, p := range pools {
		if p.perDay == 0 {
			continue
		}
		s := plan.Pools.Shares[slices.IndexFunc(plan.Pools.Shares, func(s PoolShare) bool { return s.Pool == p.name })]
		at := s.Stored + p.perDay*days
		if math.Abs(at-s.Capacity) > p.perDay {
			t.Errorf("pool %s holds %.1f GB on the raw space's date, its capacity is %.1f GB", p.name, at/gb, s.Capacity/gb)
		}
	}
	// No pool is planned on its own: without a quota, a pool's date is
	// the raw space's.
	for _, p := range plan.Projections {
		if p.Resource != "ceph/raw_used" {
			t.Errorf("unexpected projection %s", p.Resource)
		}
	}
}

// TestPoolsWithoutGrowth: pools that did not grow share the free space in
// proportion to the raw bytes they take; a pool with a quota is planned
// against it.
func TestPoolsWithoutGrowth(t *testing.T) {
	ceph := &collectors.Ceph{TotalBytes: 1200, UsedBytes: 300, NearfullRatio: 0.85, FullRatio: 0.95, Pools: []collectors.Pool{
		{Name: "rbd", StoredBytes: 60, Replication: 3},
		{Name: "ec", StoredBytes: 80, Replication: 1.5, QuotaBytes: 400},
	}}
	stored := growing()
	stored.Name, stored.Unit = "ceph/pool/ec/stored", units.Bytes
	for i := range stored.Days {
		stored.Days[i].Mean, stored.Days[i].Peak = 80, 80
	}
	plan := makeWith(collectors.Snapshot{Ceph: ceph}, collectors.History{Series: []collectors.Series{stored}}, config.Default().Planner, today, exact)
	if plan.Pools == nil || plan.Pools.ByGrowth {
		t.Fatalf("pools %+v, want shares by what they hold", plan.Pools)
	}
	// rbd takes 180 raw bytes, ec 120: 60% and 40% of the 900 free, 540
	// raw (180 stored) and 360 raw (240 stored).
	for _, s := range plan.Pools.Shares {
		want := map[string]float64{"rbd": 240, "ec": 320}[s.Pool]
		if math.Abs(s.Capacity-want) > 1e-9 {
			t.Errorf("pool %s: capacity %v, want %v", s.Pool, s.Capacity, want)
		}
	}
	// Without raw use reported, the pools' copies stand for it: they
	// still hold no more than the raw space (180 + 120 raw of 1,200).
	ceph.UsedBytes = 0
	if p := poolsOf(ceph, 3, nil); p == nil || p.FreeRawBytes != 900 {
		t.Errorf("pools without raw use: %+v", p)
	}
	ceph.UsedBytes = 300
	i := slices.IndexFunc(plan.Projections, func(p Projection) bool { return p.Resource == "ceph/pool/ec/stored" })
	if i < 0 || plan.Projections[i].Capacity != 400 || plan.Projections[i].RawPerUnit != 1.5 {
		t.Errorf("pool ec not planned against its quota: %+v %v", plan.Projections, plan.Unknown)
	}
}
