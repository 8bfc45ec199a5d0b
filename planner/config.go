// Package planner turns a snapshot, its history and forecasts into
// decisions: when each resource crosses its thresholds, whether the cluster
// survives losing a node, what to buy. It is a pure function of its inputs
// and an injected clock: no I/O, deterministic output.
package planner

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"

	"sigs.k8s.io/yaml"
)

// Thresholds are fractions (0-1) of a resource's capacity. Averages are
// compared with daily means, peaks with daily peaks.
type Thresholds struct {
	CPUAverage    float64 `json:"cpu_average"`
	CPUPeak       float64 `json:"cpu_peak"`
	MemoryAverage float64 `json:"memory_average"`
	MemoryPeak    float64 `json:"memory_peak"`
	// Storage is planned against usable capacity: expand at the first,
	// critical at the second (and never later than Ceph's own nearfull and
	// full ratios).
	StorageExpand   float64 `json:"storage_expand"`
	StorageCritical float64 `json:"storage_critical"`
	// Network throughput against the capacity given in Config.
	NetworkAverage float64 `json:"network_average"`
	NetworkPeak    float64 `json:"network_peak"`
}

// Config is the planner's configuration, read from YAML over the defaults.
type Config struct {
	Thresholds Thresholds `json:"thresholds"`
	// HorizonDays is the daily forecast's length; Months the monthly one's.
	HorizonDays int `json:"horizon_days"`
	Months      int `json:"months"`
	// TargetMonths is the runway wanted: a recommendation's capacity keeps
	// the forecast below its threshold that long. The threshold is the
	// only headroom.
	TargetMonths int `json:"target_months"`
	// NetworkBytesPerSecond is what the cluster's network carries (the
	// snapshot cannot know it); 0 leaves network throughput unplanned.
	NetworkBytesPerSecond float64 `json:"network_bytes_per_second"`
	// Catalogue is the hardware that can be bought; a file's list replaces
	// the default one.
	Catalogue []Option `json:"catalogue"`
	// Inventory is the hardware in service, for the refresh timeline.
	Inventory []Item `json:"inventory,omitempty"`
	// Capacities are capacities by series name, in the series' unit
	// (cores, bytes, bytes per second): they replace the snapshot's and
	// plan series the snapshot does not know, so that a history alone
	// can be planned.
	Capacities map[string]float64 `json:"capacities,omitempty"`
}

// DefaultConfig follows common practice: CPU at 70% of allocatable on
// average or 85% at peak, memory at 80% / 90% (memory cannot be
// overcommitted the way CPU can be throttled), storage expansion at 70%
// and critical at 85% of usable; 90 days daily and 12 months monthly, and
// capacity sized for a year.
func DefaultConfig() Config {
	return Config{
		Thresholds: Thresholds{
			CPUAverage: 0.70, CPUPeak: 0.85,
			MemoryAverage: 0.80, MemoryPeak: 0.90,
			StorageExpand: 0.70, StorageCritical: 0.85,
			NetworkAverage: 0.70, NetworkPeak: 0.85,
		},
		HorizonDays:  90,
		Months:       12,
		TargetMonths: 12,
		Catalogue:    DefaultCatalogue(),
	}
}

// LoadConfig reads a YAML (or JSON) file over the defaults: what it leaves
// out keeps its default. Unknown keys are errors, so that a misspelt
// threshold is not silently ignored.
func LoadConfig(path string) (Config, error) {
	c := DefaultConfig()
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("planner config: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return c, fmt.Errorf("planner config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("planner config %s: %w", path, err)
	}
	return c, nil
}

// Validate checks that every threshold is a fraction, that the warning
// level of each pair comes first, and that the horizons are usable.
func (c Config) Validate() error {
	t := c.Thresholds
	var errs []error
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"cpu_average", t.CPUAverage}, {"cpu_peak", t.CPUPeak}, {"memory_average", t.MemoryAverage}, {"memory_peak", t.MemoryPeak},
		{"storage_expand", t.StorageExpand}, {"storage_critical", t.StorageCritical},
		{"network_average", t.NetworkAverage}, {"network_peak", t.NetworkPeak},
	} {
		if !(f.v > 0 && f.v <= 1) {
			errs = append(errs, fmt.Errorf("thresholds.%s is %v: want a fraction above 0 and at most 1 (0.7 for 70%%)", f.name, f.v))
		}
	}
	if t.StorageExpand >= t.StorageCritical {
		errs = append(errs, fmt.Errorf("thresholds.storage_expand (%v) must be below storage_critical (%v)", t.StorageExpand, t.StorageCritical))
	}
	if c.HorizonDays < 7 || c.HorizonDays > 730 {
		errs = append(errs, fmt.Errorf("horizon_days is %d: want 7 to 730", c.HorizonDays))
	}
	if c.NetworkBytesPerSecond < 0 {
		errs = append(errs, fmt.Errorf("network_bytes_per_second is %v: want 0 (unknown) or more", c.NetworkBytesPerSecond))
	}
	if c.Months < 1 || c.Months > 60 {
		errs = append(errs, fmt.Errorf("months is %d: want 1 to 60", c.Months))
	}
	if c.TargetMonths < 1 || c.TargetMonths > c.Months {
		errs = append(errs, fmt.Errorf("target_months is %d: want 1 to months (%d)", c.TargetMonths, c.Months))
	}
	for _, name := range slices.Sorted(maps.Keys(c.Capacities)) {
		switch v := c.Capacities[name]; {
		case !(v > 0) || math.IsInf(v, 0):
			errs = append(errs, fmt.Errorf("capacities %q is %v: want a positive number in the series' unit", name, v))
		case kindOf(name) == "":
			errs = append(errs, fmt.Errorf("capacities %q: cannot tell which thresholds apply: start its name with cpu/, memory/, disk/, ceph/, volumes/ or network/", name))
		}
	}
	for _, it := range c.Inventory {
		if _, err := it.due(); err != nil {
			errs = append(errs, err)
		}
	}
	for i, o := range c.Catalogue {
		switch {
		case o.Name == "":
			errs = append(errs, fmt.Errorf("catalogue[%d] has no name", i))
		case !(o.Cost > 0):
			errs = append(errs, fmt.Errorf("catalogue %q: cost %v, want a price above 0", o.Name, o.Cost))
		case !o.Node && o.CPUCores <= 0 && o.MemoryBytes <= 0 && o.RawBytes <= 0:
			errs = append(errs, fmt.Errorf("catalogue %q adds nothing: give cpu_cores, memory_bytes, raw_bytes or node: true", o.Name))
		}
	}
	return errors.Join(errs...)
}
