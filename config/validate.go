package config

import (
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/capplan/capplan/redact"
)

// problems are the settings of c that do not validate, each named by its
// key.
func (c Config) problems() []problem {
	var out []problem
	add := func(key, format string, args ...any) {
		out = append(out, problem{key, fmt.Sprintf(format, args...)})
	}
	s := c.Sources
	if s.Demo && (s.Kubeconfig != "" || s.Context != "") {
		add("demo", "demo takes no kubeconfig or context")
	}
	if !(s.Kube.QPS > 0) {
		add("kube.qps", "kube.qps is %v: want a positive rate of requests a second", s.Kube.QPS)
	}
	if s.Kube.Burst < 1 {
		add("kube.burst", "kube.burst is %d: want at least 1", s.Kube.Burst)
	}
	if m := s.Prometheus.Matchers; m != "" {
		if !matchers(m) {
			add("prometheus.matchers", "prometheus.matchers %q: want label matchers such as {cluster=\"a\"}", m)
		}
	}
	if s.Prometheus.HistoryDays < 1 {
		add("prometheus.history_days", "prometheus.history_days must be at least 1, not %d", s.Prometheus.HistoryDays)
	}
	out = append(out, c.Planner.problems()...)
	out = append(out, c.fleetProblems()...)
	if c.Git.Branch == "" {
		add("git.branch", "git.branch is empty")
	}
	if c.Git.AuthorName == "" || c.Git.AuthorEmail == "" {
		add("git.author_name", "git.author_name and git.author_email are needed for the commits")
	}
	if c.Git.KeepDays < 1 {
		add("git.keep_days", "git.keep_days is %d: want at least 1", c.Git.KeepDays)
	}
	if c.Git.Tries < 1 {
		add("git.tries", "git.tries is %d: want at least 1", c.Git.Tries)
	}
	if c.Ollama.NumPredict < 1 {
		add("ollama.num_predict", "ollama.num_predict is %d: want at least 1", c.Ollama.NumPredict)
	}
	if c.Ollama.Temperature < 0 || c.Ollama.Temperature > 2 {
		add("ollama.temperature", "ollama.temperature is %v: want 0 to 2", c.Ollama.Temperature)
	}
	if c.Ollama.Enabled && c.Ollama.Model == "" {
		add("ollama.model", "ollama.model is empty")
	}
	if u := c.Pushgateway.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			add("pushgateway.url", "pushgateway.url %q: want http://host:port or https://host:port", redact.URL(u))
		}
	}
	if c.Pushgateway.Job == "" {
		add("pushgateway.job", "pushgateway.job is empty")
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"ollama.timeout", c.Ollama.Timeout}, {"timeouts.collect", c.Timeouts.Collect}, {"timeouts.plan", c.Timeouts.Plan},
		{"timeouts.render", c.Timeouts.Render}, {"timeouts.publish", c.Timeouts.Publish},
	} {
		if t.d <= 0 {
			add(t.key, "%s is %s: want a positive duration such as 5m", t.key, t.d)
		}
	}
	return out
}

// plannedProblems are the planned workloads that do not validate.
func plannedProblems(planned []Workload) []problem {
	var out []problem
	add := func(key, format string, args ...any) {
		out = append(out, problem{key, fmt.Sprintf(format, args...)})
	}
	for i, w := range planned {
		key := fmt.Sprintf("planned[%d]", i)
		_, err := w.Starts()
		switch {
		case w.Name == "":
			add(key, "planned[%d] has no name", i)
		case err != nil:
			add(key+".start", "%v", err)
		case w.Namespace != "" && w.Group != "":
			add(key, "planned %q gives both namespace %q and group %q: give one", w.Name, w.Namespace, w.Group)
		case w.CPUCores < 0 || w.MemoryBytes < 0 || w.StorageBytes < 0 || math.IsInf(w.CPUCores, 0):
			add(key, "planned %q asks for a negative amount: cpu_cores %v, memory_bytes %d, storage_bytes %d", w.Name, w.CPUCores, w.MemoryBytes, w.StorageBytes)
		case w.CPUCores == 0 && w.MemoryBytes == 0 && w.StorageBytes == 0:
			add(key, "planned %q adds nothing: give cpu_cores, memory_bytes or storage_bytes", w.Name)
		case !(w.GrowthPerMonth >= 0) || w.GrowthPerMonth > 10:
			add(key+".growth_per_month", "planned %q: growth_per_month %v, want a share from 0 (0.1 for a tenth more each month)", w.Name, w.GrowthPerMonth)
		}
	}
	return out
}

// problems are the planner's settings that do not validate: every
// threshold a fraction, the warning level of each pair first, the
// horizons, capacities, inventory and catalogue usable.
func (p Planner) problems() []problem {
	var out []problem
	add := func(key, format string, args ...any) {
		out = append(out, problem{key, fmt.Sprintf(format, args...)})
	}
	t := p.Thresholds
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"cpu_average", t.CPUAverage}, {"cpu_peak", t.CPUPeak}, {"memory_average", t.MemoryAverage}, {"memory_peak", t.MemoryPeak},
		{"storage_expand", t.StorageExpand}, {"storage_critical", t.StorageCritical},
		{"network_average", t.NetworkAverage}, {"network_peak", t.NetworkPeak},
	} {
		if !(f.v > 0 && f.v <= 1) {
			add("thresholds."+f.name, "thresholds.%s is %v: want a fraction above 0 and at most 1 (0.7 for 70%%)", f.name, f.v)
		}
	}
	if t.StorageExpand >= t.StorageCritical {
		add("thresholds.storage_expand", "thresholds.storage_expand (%v) must be below storage_critical (%v)", t.StorageExpand, t.StorageCritical)
	}
	if p.HorizonDays < 7 || p.HorizonDays > 730 {
		add("horizon_days", "horizon_days is %d: want 7 to 730", p.HorizonDays)
	}
	if p.NetworkBytesPerSecond < 0 {
		add("network_bytes_per_second", "network_bytes_per_second is %v: want 0 (unknown) or more", p.NetworkBytesPerSecond)
	}
	if p.Months < 1 || p.Months > 60 {
		add("months", "months is %d: want 1 to 60", p.Months)
	}
	if p.TargetMonths < 1 || p.TargetMonths > p.Months {
		add("target_months", "target_months is %d: want 1 to months (%d)", p.TargetMonths, p.Months)
	}
	out = append(out, p.capacityProblems()...)
	for i, it := range p.Inventory {
		if _, err := it.Due(); err != nil {
			add(fmt.Sprintf("inventory[%d]", i), "%v", err)
		}
	}
	out = append(out, plannedProblems(p.Planned)...)
	in := map[string]string{}
	for _, g := range slices.Sorted(maps.Keys(p.Groups)) {
		if len(p.Groups[g]) == 0 {
			add("groups."+g, "groups %q has no namespace", g)
		}
		for _, ns := range p.Groups[g] {
			if other, ok := in[ns]; ok {
				add("groups."+g, "namespace %q is in groups %q and %q: give it one", ns, other, g)
			}
			in[ns] = g
		}
	}
	for i, o := range p.Catalogue {
		key := fmt.Sprintf("catalogue[%d]", i)
		switch {
		case o.Name == "":
			add(key, "catalogue[%d] has no name", i)
		case !(o.Cost > 0):
			add(key+".cost", "catalogue %q: cost %v, want a price above 0", o.Name, o.Cost)
		case !o.Node && o.CPUCores <= 0 && o.MemoryBytes <= 0 && o.RawBytes <= 0:
			add(key, "catalogue %q adds nothing: give cpu_cores, memory_bytes, raw_bytes or node: true", o.Name)
		}
	}
	return out
}

// capacityProblems are the capacities that do not validate.
func (p Planner) capacityProblems() []problem {
	var out []problem
	for _, name := range slices.Sorted(maps.Keys(p.Capacities)) {
		switch v := p.Capacities[name]; {
		case !(v > 0) || math.IsInf(v, 0):
			out = append(out, problem{"capacities." + name, fmt.Sprintf("capacities %q is %v: want a positive number in the series' unit", name, v)})
		case Kind(name) == "":
			out = append(out, problem{"capacities." + name, fmt.Sprintf("capacities %q: cannot tell which thresholds apply: start its name with cpu/, memory/, disk/, ceph/, volumes/ or network/", name)})
		}
	}
	return out
}

// Due is when the item should be replaced: its purchase and its life.
func (it Item) Due() (time.Time, error) {
	bought, err := time.Parse(time.DateOnly, it.Purchased)
	if err != nil {
		return time.Time{}, fmt.Errorf("inventory %q: purchased %q is not YYYY-MM-DD", it.Name, it.Purchased)
	}
	if !(it.LifeYears > 0) {
		return time.Time{}, fmt.Errorf("inventory %q: life_years %v, want a positive number of years", it.Name, it.LifeYears)
	}
	return bought.AddDate(0, 0, int(math.Round(it.LifeYears*365.25))), nil
}

// Kind is which thresholds apply to a series, told by the first part of
// its name (by "/") that names a kind: "cpu", "memory", "storage" (disk,
// ceph, volumes, filesystem, storage) or "network"; "" when none does.
func Kind(series string) string {
	for _, part := range strings.Split(series, "/") {
		switch strings.ToLower(part) {
		case "cpu":
			return "cpu"
		case "memory", "mem":
			return "memory"
		case "ceph", "volumes", "disk", "filesystem", "storage":
			return "storage"
		case "network", "net":
			return "network"
		}
	}
	return ""
}
