package prom

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/capplan/capplan/collectors"
)

// cephLookback is how far back Ceph's last values are looked for: an
// instant query sees only the last 5 minutes, and a mgr that stopped
// reporting an hour ago still tells today's capacity, with its age said.
const cephLookback = "1d"

// staleAfter is the age past which Ceph's values are said to be old.
const staleAfter = 15 * time.Minute

// last is the last value of each series of metric within cephLookback
// before at.
func last(metric string) string { return "last_over_time(" + metric + "[" + cephLookback + "])" }

// Ceph reads Ceph's capacity at time at from the Ceph mgr's prometheus
// module (the names before Nautilus too): raw totals and, per pool (named
// through ceph_pool_metadata), stored and raw bytes, max available and
// percent used; each the last value of the day before at, with a note
// when it is older than 15 minutes. found is false, without an error,
// when Prometheus has no Ceph metrics in that day.
func (c *Collector) Ceph(ctx context.Context, at time.Time) (ceph *collectors.Ceph, notes []collectors.Note, found bool, err error) {
	source := "prometheus " + c.name
	scalar := func(expr string) (float64, bool, error) {
		v, err := c.instant(ctx, expr, at)
		if err != nil || len(v) == 0 {
			return 0, false, err
		}
		return float64(v[0].Value), true, nil
	}
	total, ok, err := scalar(`sum(` + last("ceph_cluster_total_bytes") + `)`)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	used, ok, err := scalar(`sum(` + last("ceph_cluster_total_used_raw_bytes") + `)`)
	if err != nil {
		return nil, nil, false, err
	}
	if !ok {
		if used, ok, err = scalar(`sum(` + last("ceph_cluster_total_used_bytes") + `)`); err != nil || !ok {
			return nil, nil, false, err
		}
	}
	if when, err := c.lastSample(ctx, "ceph_cluster_total_bytes", at); err != nil {
		return nil, nil, false, err
	} else if age := at.Sub(when); age > staleAfter {
		notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf(
			"Ceph's capacity is as of %s UTC, %s before the snapshot: the Ceph mgr's metrics stopped reaching Prometheus",
			when.UTC().Format("2006-01-02 15:04"), age.Round(time.Minute))})
	}
	ceph = &collectors.Ceph{
		TotalBytes: int64(total), UsedBytes: int64(used), AvailBytes: int64(total) - int64(used),
		NearfullRatio: collectors.DefaultNearfullRatio, FullRatio: collectors.DefaultFullRatio, RatiosAssumed: true,
	}
	pools := map[string]*collectors.Pool{}
	for _, f := range []struct {
		metric string
		set    func(p *collectors.Pool, v float64)
	}{
		// Before Nautilus, ceph_pool_bytes_used was what clients stored;
		// the newer name comes second, so it wins where both are.
		{"ceph_pool_bytes_used", func(p *collectors.Pool, v float64) { p.StoredBytes = int64(v) }},
		{"ceph_pool_stored", func(p *collectors.Pool, v float64) { p.StoredBytes = int64(v) }},
		{"ceph_pool_stored_raw", func(p *collectors.Pool, v float64) { p.UsedBytes = int64(v) }},
		{"ceph_pool_max_avail", func(p *collectors.Pool, v float64) { p.MaxAvailBytes = int64(v) }},
		{"ceph_pool_percent_used", func(p *collectors.Pool, v float64) { p.PercentUsed = v }},
		{"ceph_pool_objects", func(p *collectors.Pool, v float64) { p.Objects = int64(v) }},
	} {
		vec, err := c.instant(ctx, `sum by (name) (`+last(f.metric)+` * on(pool_id) group_left(name) `+last("ceph_pool_metadata")+`)`, at)
		if err != nil {
			return nil, nil, false, err
		}
		for _, s := range vec {
			name := string(s.Metric["name"])
			if pools[name] == nil {
				pools[name] = &collectors.Pool{Name: name}
			}
			f.set(pools[name], float64(s.Value))
		}
	}
	// The pools' ids, and (since Quincy) their size or erasure code in
	// the description: "replica:3", "ec:4+2".
	meta, err := c.instant(ctx, last("ceph_pool_metadata"), at)
	if err != nil {
		return nil, nil, false, err
	}
	copies := map[string]float64{}
	for _, s := range meta {
		p := pools[string(s.Metric["name"])]
		if p == nil {
			continue
		}
		if id, err := strconv.Atoi(string(s.Metric["pool_id"])); err == nil {
			p.ID = id
		}
		if r, ok := replication(string(s.Metric["description"])); ok {
			copies[p.Name] = r
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pools)) {
		p := pools[name]
		switch r, ok := copies[name]; {
		case ok:
			p.Replication = r
		case p.StoredBytes > 0 && p.UsedBytes > 0:
			// Raw bytes a stored byte takes, compression and all.
			p.Replication = float64(p.UsedBytes) / float64(p.StoredBytes)
		}
		ceph.Pools = append(ceph.Pools, *p)
	}
	notes = append(notes, collectors.Note{Source: source, Message: fmt.Sprintf(
		"OSD nearfull and full ratios not reported: Ceph's defaults (%.2f, %.2f) assumed", ceph.NearfullRatio, ceph.FullRatio)})
	return ceph, notes, true, nil
}

// replication is the raw bytes a stored byte takes by a pool's
// description in ceph_pool_metadata: its size for "replica:N", (k+m)/k
// for "ec:K+M"; false for anything else ("ec:unknown", none).
func replication(description string) (float64, bool) {
	if n, ok := strings.CutPrefix(description, "replica:"); ok {
		size, err := strconv.Atoi(n)
		return float64(size), err == nil && size > 0
	}
	if code, ok := strings.CutPrefix(description, "ec:"); ok {
		k, m, ok := strings.Cut(code, "+")
		kn, err1 := strconv.Atoi(k)
		mn, err2 := strconv.Atoi(m)
		if ok && err1 == nil && err2 == nil && kn > 0 && mn >= 0 {
			return float64(kn+mn) / float64(kn), true
		}
	}
	return 0, false
}

// lastSample is the time of metric's last sample within cephLookback
// before at.
func (c *Collector) lastSample(ctx context.Context, metric string, at time.Time) (time.Time, error) {
	q, err := scoped(metric+"["+cephLookback+"]", c.matchers)
	if err != nil {
		return time.Time{}, fmt.Errorf("prometheus %s: %w", c.name, err)
	}
	val, _, _, err := c.api.Query(ctx, q, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("prometheus %s: %s: %w", c.name, metric, c.redact.Error(err))
	}
	var latest time.Time
	if m, ok := val.(model.Matrix); ok {
		for _, s := range m {
			if n := len(s.Values); n > 0 && s.Values[n-1].Timestamp.Time().After(latest) {
				latest = s.Values[n-1].Timestamp.Time()
			}
		}
	}
	return latest, nil
}

// instant evaluates expr at time at.
func (c *Collector) instant(ctx context.Context, expr string, at time.Time) (model.Vector, error) {
	q, err := scoped(expr, c.matchers)
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: %w", c.name, err)
	}
	val, warnings, _, err := c.api.Query(ctx, q, at)
	if err != nil {
		return nil, fmt.Errorf("prometheus %s: %s: %w", c.name, expr, c.redact.Error(err))
	}
	if len(warnings) > 0 {
		return nil, fmt.Errorf("prometheus %s: %s: warnings: %v", c.name, expr, warnings)
	}
	vec, ok := val.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("prometheus %s: %s returned %s, not a vector", c.name, expr, val.Type())
	}
	return vec, nil
}

// VolumeUsage reads the bytes used on persistent volumes at time at, by
// namespace and storage class, from the kubelet's volume stats joined with
// kube-state-metrics' claim info (claims without a class under
// "(default)", as in the snapshot).
func (c *Collector) VolumeUsage(ctx context.Context, at time.Time) (map[[2]string]int64, error) {
	vec, err := c.instant(ctx, `sum by (namespace, storageclass) (kubelet_volume_stats_used_bytes`+
		` * on(namespace, persistentvolumeclaim) group_left(storageclass) kube_persistentvolumeclaim_info)`, at)
	if err != nil {
		return nil, err
	}
	out := map[[2]string]int64{}
	for _, s := range vec {
		class := string(s.Metric["storageclass"])
		if class == "" {
			class = "(default)"
		}
		out[[2]string{string(s.Metric["namespace"]), class}] += int64(s.Value)
	}
	return out, nil
}
