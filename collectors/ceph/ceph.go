// Package ceph reads Ceph's capacity and per-pool usage from the outputs
// that carry it: `ceph df --format json` (every release from Jewel on, whose
// field sets differ) and the status of a Rook CephCluster.
package ceph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"

	"sigs.k8s.io/yaml"

	"github.com/capplan/capplan/collectors"
)

// ReadDFFile parses the `ceph df --format json` output saved in path.
func ReadDFFile(path string) (*collectors.Ceph, []collectors.Note, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read ceph df: %w", err)
	}
	return ParseDF(data, path)
}

// number is a JSON number that may be absent; Ceph writes byte counts as
// integers but some tools re-emit them as floats.
type number struct {
	v   float64
	set bool
}

func (n *number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &n.v); err != nil {
		return err
	}
	n.set = true
	return nil
}

type dfOutput struct {
	Stats *struct {
		TotalBytes        number `json:"total_bytes"`
		TotalAvailBytes   number `json:"total_avail_bytes"`
		TotalUsedBytes    number `json:"total_used_bytes"`
		TotalUsedRawBytes number `json:"total_used_raw_bytes"`
	} `json:"stats"`
	Pools *[]struct {
		Name  string `json:"name"`
		ID    int    `json:"id"`
		Stats struct {
			Stored       number `json:"stored"`
			StoredRaw    number `json:"stored_raw"`
			BytesUsed    number `json:"bytes_used"`
			RawBytesUsed number `json:"raw_bytes_used"`
			MaxAvail     number `json:"max_avail"`
			AvailRaw     number `json:"avail_raw"`
			Objects      number `json:"objects"`
			PercentUsed  number `json:"percent_used"`
			// In `ceph df detail` only; 0 is no quota.
			QuotaBytes number `json:"quota_bytes"`
		} `json:"stats"`
	} `json:"pools"`
}

// ParseDF parses `ceph df [detail] --format json`; name identifies the input
// in errors and notes. Releases name the same quantities differently:
//
//   - stored bytes: `stored` from Nautilus on; before it, `bytes_used`
//     was the stored (logical) figure;
//   - raw bytes a pool takes: `bytes_used` from Nautilus on, `raw_bytes_used`
//     in Jewel's detail output, absent in Luminous;
//   - replication: `avail_raw`/`max_avail` or `stored_raw`/`stored` where
//     Octopus and later report them, `raw_bytes_used`/`bytes_used` in Jewel;
//     otherwise unknown (Nautilus' `bytes_used` includes allocation overhead,
//     which inflates the ratio on small pools);
//   - cluster raw use: `total_used_raw_bytes` from Nautilus on (it includes
//     the OSDs' own overhead), `total_used_bytes` before.
func ParseDF(data []byte, name string) (*collectors.Ceph, []collectors.Note, error) {
	var df dfOutput
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&df); err != nil {
		return nil, nil, fmt.Errorf("%s: not ceph df JSON: %w", name, err)
	}
	if df.Stats == nil || df.Pools == nil {
		return nil, nil, fmt.Errorf("%s: not ceph df JSON: no \"stats\" or \"pools\"", name)
	}
	var notes []collectors.Note
	note := func(format string, args ...any) {
		notes = append(notes, collectors.Note{Source: name, Message: fmt.Sprintf(format, args...)})
	}
	var errs []error
	bytesOf := func(what string, n number) int64 {
		switch {
		case !n.set:
			return 0
		case n.v < 0 || math.IsNaN(n.v) || n.v > math.MaxInt64:
			errs = append(errs, fmt.Errorf("%s is %v, not a byte count", what, n.v))
			return 0
		}
		return int64(n.v)
	}
	s := df.Stats
	c := &collectors.Ceph{
		TotalBytes:    bytesOf("stats.total_bytes", s.TotalBytes),
		AvailBytes:    bytesOf("stats.total_avail_bytes", s.TotalAvailBytes),
		UsedBytes:     bytesOf("stats.total_used_bytes", s.TotalUsedBytes),
		NearfullRatio: collectors.DefaultNearfullRatio,
		FullRatio:     collectors.DefaultFullRatio,
		RatiosAssumed: true,
	}
	if s.TotalUsedRawBytes.set {
		c.UsedBytes = bytesOf("stats.total_used_raw_bytes", s.TotalUsedRawBytes)
	}
	if !s.TotalBytes.set || c.TotalBytes == 0 {
		errs = append(errs, errors.New("stats.total_bytes is missing or zero"))
	}
	rawUnknown := 0
	for i, p := range *df.Pools {
		at := func(field string) string { return fmt.Sprintf("pools[%d] (%s).stats.%s", i, p.Name, field) }
		ps := p.Stats
		pool := collectors.Pool{
			Name:          p.Name,
			ID:            p.ID,
			MaxAvailBytes: bytesOf(at("max_avail"), ps.MaxAvail),
			Objects:       bytesOf(at("objects"), ps.Objects),
			QuotaBytes:    bytesOf(at("quota_bytes"), ps.QuotaBytes),
		}
		if ps.Stored.set {
			pool.StoredBytes = bytesOf(at("stored"), ps.Stored)
			pool.UsedBytes = bytesOf(at("bytes_used"), ps.BytesUsed)
		} else {
			pool.StoredBytes = bytesOf(at("bytes_used"), ps.BytesUsed)
			pool.UsedBytes = bytesOf(at("raw_bytes_used"), ps.RawBytesUsed)
			if !ps.RawBytesUsed.set {
				rawUnknown++
			}
		}
		availRaw := bytesOf(at("avail_raw"), ps.AvailRaw)
		storedRaw := bytesOf(at("stored_raw"), ps.StoredRaw)
		switch {
		case ps.AvailRaw.set && pool.MaxAvailBytes > 0:
			pool.Replication = float64(availRaw) / float64(pool.MaxAvailBytes)
		case ps.StoredRaw.set && ps.Stored.set && pool.StoredBytes > 0:
			pool.Replication = float64(storedRaw) / float64(pool.StoredBytes)
		case !ps.Stored.set && ps.RawBytesUsed.set && pool.StoredBytes > 0:
			pool.Replication = float64(pool.UsedBytes) / float64(pool.StoredBytes)
		}
		if ps.PercentUsed.set {
			pool.PercentUsed = ps.PercentUsed.v
		} else if total := pool.StoredBytes + pool.MaxAvailBytes; total > 0 {
			pool.PercentUsed = float64(pool.StoredBytes) / float64(total)
		}
		if pool.PercentUsed < 0 || pool.PercentUsed > 1 {
			errs = append(errs, fmt.Errorf("%s is %v, not a fraction", at("percent_used"), pool.PercentUsed))
		}
		c.Pools = append(c.Pools, pool)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if rawUnknown > 0 {
		note("%d pool(s) without raw usage: this Ceph release reports it only in `ceph df detail`", rawUnknown)
	}
	note("OSD nearfull and full ratios are not in ceph df: Ceph's defaults (%.2f, %.2f) assumed", c.NearfullRatio, c.FullRatio)
	return c, notes, nil
}

// ParseRookStatus reads the raw capacity from a Rook CephCluster (YAML or
// JSON, the whole object or its status), which Rook copies from Ceph's
// pgmap. It carries no pools.
func ParseRookStatus(data []byte, name string) (*collectors.Ceph, []collectors.Note, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a CephCluster: %w", name, err)
	}
	var obj struct {
		Status *struct {
			Ceph *struct {
				Capacity *struct {
					BytesTotal     *int64 `json:"bytesTotal"`
					BytesUsed      *int64 `json:"bytesUsed"`
					BytesAvailable *int64 `json:"bytesAvailable"`
					LastUpdated    string `json:"lastUpdated"`
				} `json:"capacity"`
			} `json:"ceph"`
		} `json:"status"`
	}
	if err := json.Unmarshal(js, &obj); err != nil {
		return nil, nil, fmt.Errorf("%s: not a CephCluster: %w", name, err)
	}
	if obj.Status == nil || obj.Status.Ceph == nil || obj.Status.Ceph.Capacity == nil {
		return nil, nil, fmt.Errorf("%s: CephCluster has no status.ceph.capacity (Rook fills it once Ceph reports)", name)
	}
	capacity := obj.Status.Ceph.Capacity
	if capacity.BytesTotal == nil || *capacity.BytesTotal <= 0 {
		return nil, nil, fmt.Errorf("%s: status.ceph.capacity.bytesTotal is missing or not positive", name)
	}
	c := &collectors.Ceph{
		TotalBytes:    *capacity.BytesTotal,
		NearfullRatio: collectors.DefaultNearfullRatio,
		FullRatio:     collectors.DefaultFullRatio,
		RatiosAssumed: true,
	}
	for _, f := range []struct {
		field string
		v     *int64
		to    *int64
	}{{"bytesUsed", capacity.BytesUsed, &c.UsedBytes}, {"bytesAvailable", capacity.BytesAvailable, &c.AvailBytes}} {
		if f.v == nil || *f.v < 0 {
			return nil, nil, fmt.Errorf("%s: status.ceph.capacity.%s is missing or negative", name, f.field)
		}
		*f.to = *f.v
	}
	notes := []collectors.Note{
		{Source: name, Message: fmt.Sprintf("Rook's status has no pools; capacity as of %s", capacity.LastUpdated)},
		{Source: name, Message: fmt.Sprintf("OSD nearfull and full ratios not reported: Ceph's defaults (%.2f, %.2f) assumed", c.NearfullRatio, c.FullRatio)},
	}
	return c, notes, nil
}
