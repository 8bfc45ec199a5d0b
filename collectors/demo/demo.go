// Package demo simulates a homelab cluster with two years of history, so
// that capplan runs end to end with nothing outside the binary: three
// mini-PC nodes (12 cores, 64 GiB each) running Rook-Ceph on six 1 TB NVMe
// drives with 3-way replication. A data platform grows steadily, AI
// inference arrives in steps, storage grows with occasional clean-ups, and
// everything follows the week. The same seed and day give the same cluster.
package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/units"
)

// Source names the demo in snapshots and histories.
const Source = "demo"

// Days is the length of the demo's history.
const Days = 730

const gib = 1 << 30

// workload is one namespace's behaviour over the history: usage in cores
// and GiB on day d (0 = oldest), with a weekly cycle, how far its daily
// peak rises above the mean, and what it requests and limits.
type workload struct {
	name             string
	group            string // its namespace's capplan.io/group label
	cpu, mem         func(d int) float64
	weekday, weekend float64 // multipliers of usage on those days
	burst            float64 // daily peak over daily mean
	requestOver      float64 // requests over typical usage
	limitOver        float64 // limits over requests
	pods             int
}

// step is 0 before day at and rises to 1 over a week.
func step(d, at int) float64 {
	return math.Min(math.Max(float64(d-at)/7, 0), 1)
}

func workloads() []workload {
	flat := func(v float64) func(int) float64 { return func(int) float64 { return v } }
	return []workload{
		{name: "kube-system", group: "platform", cpu: flat(0.6), mem: flat(2.5), weekday: 1, weekend: 1, burst: 1.4, requestOver: 1.2, limitOver: 2, pods: 14},
		{name: "rook-ceph", group: "platform", cpu: func(d int) float64 { return 2.2 + 0.4*float64(d)/Days }, mem: func(d int) float64 { return 9 + 2*float64(d)/Days },
			weekday: 1, weekend: 0.9, burst: 1.6, requestOver: 1.1, limitOver: 2, pods: 22},
		{name: "monitoring", group: "platform", cpu: func(d int) float64 { return 0.7 + 0.3*float64(d)/Days }, mem: func(d int) float64 { return 3.5 + 2.5*float64(d)/Days },
			weekday: 1, weekend: 1, burst: 1.3, requestOver: 1.3, limitOver: 2, pods: 9},
		{name: "home", group: "home", cpu: flat(1.3), mem: flat(6), weekday: 0.85, weekend: 1.35, burst: 1.8, requestOver: 1.0, limitOver: 3, pods: 11},
		// A data platform whose ingestion and batch jobs grow with the data.
		{name: "data-platform", group: "data platform", cpu: func(d int) float64 { return 1 + 5*math.Pow(float64(d)/Days, 1.2) },
			mem:     func(d int) float64 { return 4 + 18*math.Pow(float64(d)/Days, 1.2) },
			weekday: 1.15, weekend: 0.65, burst: 1.7, requestOver: 1.25, limitOver: 1.5, pods: 16},
		// AI inference: a model at a time, each a step in CPU and memory.
		{name: "ai-inference", group: "AI inference", cpu: func(d int) float64 { return 2*step(d, 300) + 3*step(d, 520) + 2.5*step(d, 655) },
			mem:     func(d int) float64 { return 12*step(d, 300) + 16*step(d, 520) + 10*step(d, 655) },
			weekday: 1.1, weekend: 0.75, burst: 1.5, requestOver: 1.0, limitOver: 1.2, pods: 6},
	}
}

// Node shape: 12 cores and 64 GiB, less what the kubelet reserves.
var (
	nodeNames       = []string{"mini-1", "mini-2", "mini-3"}
	nodeShare       = []float64{0.36, 0.33, 0.31} // how the scheduler spread the pods
	nodeCapacity    = collectors.Resources{CPUCores: 12, MemoryBytes: 64 * gib, EphemeralBytes: 256 * 1e9, Pods: 110}
	nodeAllocatable = collectors.Resources{CPUCores: 11.5, MemoryBytes: 61 * gib, EphemeralBytes: 230 * 1e9, Pods: 110}
)

// Ceph: six 1 TB NVMe OSDs, 3-way replicated pools.
const (
	rawTotal    = 6 * 1e12
	replication = 3
	osdOverhead = 6 * 1.5 * gib // BlueStore's own use across the OSDs
)

var pools = []struct {
	name  string
	id    int
	share float64 // of the stored bytes
}{
	{"replicapool", 2, 0.74}, {"myfs-data0", 4, 0.245}, {"myfs-metadata", 3, 0.012}, {".mgr", 1, 0.003},
}

// storedGiB is the data clients have written to Ceph on day d: steady
// growth with a clean-up every few months, ending near 116 GiB.
func storedGiB(d int) float64 {
	v := 38 + 0.15*float64(d)
	for _, at := range []int{170, 340, 470, 610} {
		if d >= at {
			v -= 9
		}
	}
	return v + 3.6*step(d, 700)
}

// claimedGiB is the storage the volume claims of each storage class
// request on day d: claims are sized ahead of use and grow in steps as
// workloads arrive; today's are the snapshot's 480 GiB of RBD block
// volumes and 400 GiB of CephFS.
func claimedGiB(d int) (block, filesystem float64) {
	return 100 + 180*step(d, 300) + 120*step(d, 520) + 80*step(d, 655), 200 + 100*step(d, 120) + 100*step(d, 655)
}

// daily is one workload's last simulated day: its usage, and its
// requests (cores, GiB).
type daily struct{ cpuMean, cpuPeak, memMean, memPeak, cpuReq, memReq float64 }

// Lead is how far before its two years of history the demo's world
// begins: a quiet year at the levels of the history's first day, so that
// the demo seen as of any of the last 52 Mondays (At) still has two years
// of history.
const Lead = 364

// Cluster returns the demo cluster as of now: its snapshot and its history
// up to the last full day (UTC) before now.
func Cluster(seed uint64, now time.Time) (collectors.Snapshot, collectors.History) {
	return At(seed, now, now)
}

// At returns the demo world whose history ends the day before world, as
// it was at asOf (no later than world): the snapshot of asOf and the Days
// days before asOf's day, the same values on the same dates whatever
// asOf is. Weekly runs as of past Mondays see one cluster evolve.
func At(seed uint64, world, asOf time.Time) (collectors.Snapshot, collectors.History) {
	// The history's two years draw from one stream, the lead year from
	// another, so that Cluster's history does not depend on Lead.
	rng := rand.New(rand.NewPCG(seed, 0x64656d6f))
	leadRNG := rand.New(rand.NewPCG(seed, 0x6c656164))
	end := time.Date(world.Year(), world.Month(), world.Day(), 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -Days)
	cut := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	if cut.After(end) {
		cut = end
	}
	first := cut.AddDate(0, 0, -Days)
	wls := workloads()

	last := make([]daily, len(wls))
	series := map[string]*collectors.Series{}
	var names []string
	add := func(name, unit string, date time.Time, mean, peak float64) {
		s, ok := series[name]
		if !ok {
			s = &collectors.Series{Name: name, Unit: unit, Source: Source}
			series[name] = s
			names = append(names, name)
		}
		s.Days = append(s.Days, collectors.Day{Date: date, Mean: mean, Peak: peak})
	}
	alloc := float64(len(nodeNames))
	for day := -Lead; day < Days; day++ {
		date := start.AddDate(0, 0, day)
		if !date.Before(cut) {
			break
		}
		r := rng
		if day < 0 {
			r = leadRNG
		}
		// The lead year holds at the history's first day.
		d := max(day, 0)
		weekend := date.Weekday() == time.Saturday || date.Weekday() == time.Sunday
		var cpu, cpuSwing, mem, memSwing, cpuReq, memReq, cpuLim, memLim float64
		for i, w := range wls {
			week := w.weekday
			if weekend {
				week = w.weekend
			}
			noise := 1 + 0.04*r.NormFloat64()
			c := math.Max(w.cpu(d)*week*noise, 0)
			m := math.Max(w.mem(d)*(1+0.3*(week-1))*(1+0.02*r.NormFloat64()), 0)
			burst := w.burst * (1 + 0.08*r.Float64())
			last[i] = daily{cpuMean: c, cpuPeak: c * burst, memMean: m, memPeak: m * (1 + (burst-1)/3)}
			cpu, mem = cpu+c, mem+m
			cpuSwing += math.Pow(c*(burst-1), 2)
			memSwing += math.Pow(m*(burst-1)/3, 2)
			// Requests follow what the workload was sized for, not the day's
			// noise; they move when it is resized.
			cr, mr := w.cpu(d)*w.requestOver, w.mem(d)*w.requestOver
			cpuReq, memReq = cpuReq+cr, memReq+mr
			last[i].cpuReq, last[i].memReq = cr, mr
			cpuLim, memLim = cpuLim+cr*w.limitOver, memLim+mr*w.limitOver
		}
		// Workloads peak at different hours: the cluster's daily peak is
		// its mean plus their swings added as independent ones (the root
		// of the sum of their squares), not the sum of their peaks.
		cpuPeak, memPeak := cpu+math.Sqrt(cpuSwing), mem+math.Sqrt(memSwing)
		stored := storedGiB(d) * gib * (1 + 0.002*r.NormFloat64())
		if date.Before(first) {
			continue
		}
		add("cpu/usage", units.Cores, date, cpu, cpuPeak)
		add("cpu/requests", units.Cores, date, cpuReq, cpuReq)
		add("cpu/limits", units.Cores, date, cpuLim, cpuLim)
		add("cpu/allocatable", units.Cores, date, alloc*nodeAllocatable.CPUCores, alloc*nodeAllocatable.CPUCores)
		add("memory/usage", units.Bytes, date, mem*gib, memPeak*gib)
		add("memory/requests", units.Bytes, date, memReq*gib, memReq*gib)
		add("memory/limits", units.Bytes, date, memLim*gib, memLim*gib)
		add("memory/allocatable", units.Bytes, date, alloc*float64(nodeAllocatable.MemoryBytes), alloc*float64(nodeAllocatable.MemoryBytes))

		raw := stored*replication + osdOverhead
		add("ceph/stored", units.Bytes, date, stored, stored)
		add("ceph/raw_used", units.Bytes, date, raw, raw)
		add("ceph/raw_total", units.Bytes, date, rawTotal, rawTotal)
		for _, p := range pools {
			add("ceph/pool/"+p.name+"/stored", units.Bytes, date, stored*p.share, stored*p.share)
		}
		block, filesystem := claimedGiB(d)
		add("volumes/ceph-block/requested", units.Bytes, date, block*gib, block*gib)
		add("volumes/ceph-filesystem/requested", units.Bytes, date, filesystem*gib, filesystem*gib)
		// Each namespace's share: the cluster's usage and requests are
		// their sums (its peaks are not: workloads peak at different
		// hours).
		for i, w := range wls {
			ns, v := "namespace/"+w.name+"/", last[i]
			add(ns+"cpu/usage", units.Cores, date, v.cpuMean, v.cpuPeak)
			add(ns+"cpu/requests", units.Cores, date, v.cpuReq, v.cpuReq)
			add(ns+"memory/usage", units.Bytes, date, v.memMean*gib, v.memPeak*gib)
			add(ns+"memory/requests", units.Bytes, date, v.memReq*gib, v.memReq*gib)
		}
	}

	hist := collectors.History{}
	for _, n := range names {
		hist.Series = append(hist.Series, *series[n])
	}
	return snapshot(asOf, wls, last, series), hist
}

// snapshot is the cluster on the history's last day, whose workloads'
// last simulated day is last.
func snapshot(now time.Time, wls []workload, last []daily, series map[string]*collectors.Series) collectors.Snapshot {
	snap := collectors.Snapshot{
		Taken:   now.UTC(),
		Cluster: "homelab (demo)",
		Sources: map[string]string{"nodes": Source, "pods": Source, "usage": Source, "volumes": Source, "events": Source, "ceph": Source},
		Notes: []collectors.Note{{Source: Source,
			Message: "simulated cluster: 3 nodes of 12 cores and 64 GiB, Rook-Ceph on 6 × 1 TB NVMe, 3-way replication; live usage is the last day's mean"}},
	}
	n := len(series["ceph/stored"].Days) - 1 // the last day of history
	var total collectors.Resources
	for i, w := range wls {
		use := collectors.Resources{CPUCores: last[i].cpuMean, MemoryBytes: int64(last[i].memMean * gib), Pods: int64(w.pods)}
		req := collectors.Resources{CPUCores: last[i].cpuReq, MemoryBytes: int64(last[i].memReq * gib), Pods: int64(w.pods)}
		lim := collectors.Resources{CPUCores: req.CPUCores * w.limitOver, MemoryBytes: int64(float64(req.MemoryBytes) * w.limitOver), Pods: int64(w.pods)}
		snap.Namespaces = append(snap.Namespaces, collectors.Namespace{Name: w.name, Group: w.group, Pods: w.pods, Requests: req, Limits: lim, Usage: &use, Quota: quotas[w.name]})
		total = total.Add(req)
	}
	for i, name := range nodeNames {
		var req, lim, use, daemons collectors.Resources
		for _, ns := range snap.Namespaces {
			share := nodeShare[i]
			if ns.Name == "kube-system" {
				// Per-node agents (CNI, kube-proxy, node exporter): a
				// DaemonSet's pod on every node.
				share = 1.0 / float64(len(nodeNames))
				daemons = daemons.Add(scale(ns.Requests, share))
			}
			req = req.Add(scale(ns.Requests, share))
			lim = lim.Add(scale(ns.Limits, share))
			use = use.Add(scale(*ns.Usage, share))
		}
		use.Pods = 0
		snap.Nodes = append(snap.Nodes, collectors.Node{
			Name: name, Roles: []string{"control-plane", "worker"}, InstanceType: "mini-pc",
			Ready: true, Schedulable: true, Capacity: nodeCapacity, Allocatable: nodeAllocatable,
			Requests: req, Limits: lim, Usage: &use, DaemonSetRequests: daemons,
		})
	}
	snap.Volumes = []collectors.VolumeClaims{
		{Namespace: "data-platform", StorageClass: "ceph-block", Claims: 6, RequestedBytes: 300 * gib, UsedBytes: ptr(int64(series["ceph/pool/replicapool/stored"].Days[n].Mean * 0.55))},
		{Namespace: "home", StorageClass: "ceph-filesystem", Claims: 4, RequestedBytes: 400 * gib, UsedBytes: ptr(int64(series["ceph/pool/myfs-data0/stored"].Days[n].Mean))},
		{Namespace: "monitoring", StorageClass: "ceph-block", Claims: 2, RequestedBytes: 60 * gib, UsedBytes: ptr(int64(series["ceph/pool/replicapool/stored"].Days[n].Mean * 0.25))},
		{Namespace: "ai-inference", StorageClass: "ceph-block", Claims: 3, RequestedBytes: 120 * gib, UsedBytes: ptr(int64(series["ceph/pool/replicapool/stored"].Days[n].Mean * 0.2))},
	}
	snap.StorageClasses = []collectors.StorageClass{
		{Name: "ceph-block", Provisioner: "rook-ceph.rbd.csi.ceph.com", Pool: "replicapool", Default: true},
		{Name: "ceph-filesystem", Provisioner: "rook-ceph.cephfs.csi.ceph.com", Pool: "myfs-data0"},
	}
	snap.Pressure = []collectors.Pressure{
		{Namespace: "ai-inference", OOMKilled: 3},
		{Namespace: "data-platform", FailedScheduling: 1},
	}
	stored := series["ceph/stored"].Days[n].Mean
	raw := series["ceph/raw_used"].Days[n].Mean
	ceph := &collectors.Ceph{
		TotalBytes: rawTotal, UsedBytes: int64(raw), AvailBytes: rawTotal - int64(raw),
		NearfullRatio: collectors.DefaultNearfullRatio, FullRatio: collectors.DefaultFullRatio,
	}
	// Ceph projects what clients can still write from the full ratio and
	// the replication; the demo's OSDs are evenly filled.
	maxAvail := (rawTotal*collectors.DefaultFullRatio - raw) / replication
	for _, p := range pools {
		s := stored * p.share
		ceph.Pools = append(ceph.Pools, collectors.Pool{
			Name: p.name, ID: p.id, StoredBytes: int64(s), UsedBytes: int64(s * replication),
			MaxAvailBytes: int64(maxAvail), Objects: int64(s / (4 << 20)),
			PercentUsed: s * replication / (s*replication + maxAvail*replication), Replication: replication,
		})
	}
	snap.Ceph = ceph
	snap.Workloads = demoWorkloads(wls, last, snap.Namespaces)
	snap.Sources["workloads"] = Source
	return snap
}

// quotas are the namespaces' ResourceQuotas on requests: the data
// platform's team has 12 cores and 48 GiB.
var quotas = map[string]*collectors.Resources{"data-platform": {CPUCores: 12, MemoryBytes: 48 * gib}}

// container is one workload's part of its namespace: its share of the
// namespace's requests and, weighted by use, of its usage (a use above 1
// is a workload using more than its share of the requests).
type container struct {
	kind, name, container string
	pods                  int
	share, use            float64
}

// containers are each namespace's workloads; their pods add up to the
// namespace's, their shares to one.
var containers = map[string][]container{
	"kube-system": {{"DaemonSet", "cilium", "cilium-agent", 3, 0.4, 1.1}, {"DaemonSet", "kube-proxy", "kube-proxy", 3, 0.2, 0.6},
		{"Deployment", "coredns", "coredns", 2, 0.2, 0.5}, {"DaemonSet", "node-local-dns", "node-cache", 3, 0.1, 0.8},
		{"Deployment", "metrics-server", "metrics-server", 1, 0.05, 1.4}, {"Deployment", "local-path-provisioner", "provisioner", 2, 0.05, 0.3}},
	"rook-ceph": {{"Deployment", "rook-ceph-osd", "osd", 6, 0.55, 1.1}, {"Deployment", "rook-ceph-mon", "mon", 3, 0.15, 0.8},
		{"Deployment", "rook-ceph-mgr", "mgr", 2, 0.08, 1.2}, {"Deployment", "rook-ceph-mds", "mds", 2, 0.07, 0.5},
		{"DaemonSet", "csi-rbdplugin", "csi-rbdplugin", 3, 0.06, 0.6}, {"DaemonSet", "csi-cephfsplugin", "csi-cephfsplugin", 3, 0.05, 0.6},
		{"Deployment", "rook-ceph-operator", "operator", 1, 0.02, 1}, {"Deployment", "rook-ceph-tools", "tools", 2, 0.02, 0.1}},
	"monitoring": {{"StatefulSet", "prometheus-k8s", "prometheus", 1, 0.5, 1.2}, {"Deployment", "grafana", "grafana", 1, 0.15, 0.4},
		{"DaemonSet", "node-exporter", "node-exporter", 3, 0.15, 0.9}, {"Deployment", "kube-state-metrics", "kube-state-metrics", 1, 0.1, 0.8},
		{"StatefulSet", "alertmanager-main", "alertmanager", 1, 0.05, 0.3}, {"Deployment", "pushgateway", "pushgateway", 1, 0.02, 0.2},
		{"Deployment", "blackbox-exporter", "blackbox-exporter", 1, 0.03, 0.4}},
	"home": {{"StatefulSet", "home-assistant", "home-assistant", 1, 0.3, 0.9}, {"Deployment", "jellyfin", "jellyfin", 1, 0.35, 1.5},
		{"Deployment", "nextcloud", "nextcloud", 2, 0.2, 0.6}, {"Deployment", "mosquitto", "mosquitto", 1, 0.03, 0.2},
		{"Deployment", "zigbee2mqtt", "zigbee2mqtt", 1, 0.04, 0.5}, {"Deployment", "paperless", "paperless", 2, 0.05, 0.7},
		{"Deployment", "pihole", "pihole", 2, 0.02, 0.5}, {"CronJob", "restic-backup", "restic", 1, 0.01, 3}},
	"data-platform": {{"StatefulSet", "postgres", "postgres", 3, 0.3, 0.7}, {"StatefulSet", "kafka", "kafka", 3, 0.25, 0.9},
		{"Deployment", "ingest", "worker", 6, 0.25, 1.3}, {"CronJob", "nightly-batch", "spark", 4, 0.2, 1}},
	"ai-inference": {{"Deployment", "llm-server", "server", 4, 0.8, 1.05}, {"Deployment", "embedder", "embedder", 2, 0.2, 0.8}},
}

// demoWorkloads splits each namespace's requests (its snapshot's) and
// last day's usage among its workloads, a minute's samples for 14 days
// each: a container's 95th percentile of CPU use is its part of the day's
// mean plus 0.3 of the way to its part of the day's highest
// minute (the 95th percentile of the minutes lies well below it), the highest working
// set its part of the day's memory peak.
func demoWorkloads(wls []workload, last []daily, namespaces []collectors.Namespace) []collectors.Workload {
	const window = 14
	var out []collectors.Workload
	for i, w := range wls {
		ns := namespaces[i]
		var weight float64
		for _, c := range containers[w.name] {
			weight += c.share * c.use
		}
		for _, c := range containers[w.name] {
			pods := float64(c.pods)
			use := c.share * c.use / weight / pods
			mean, peak := last[i].cpuMean*use, last[i].cpuPeak*use
			p95, mem := mean+0.3*(peak-mean), last[i].memPeak*gib*use
			out = append(out, collectors.Workload{Namespace: w.name, Kind: c.kind, Name: c.name, Container: c.container, Pods: c.pods,
				CPURequest: ns.Requests.CPUCores * c.share / pods, MemoryRequest: float64(ns.Requests.MemoryBytes) * c.share / pods,
				CPUP95: &p95, MemoryMax: &mem, Samples: c.pods * window * 24 * 60, WindowDays: window})
		}
	}
	return out
}

func scale(r collectors.Resources, f float64) collectors.Resources {
	return collectors.Resources{CPUCores: r.CPUCores * f, MemoryBytes: int64(float64(r.MemoryBytes) * f),
		EphemeralBytes: int64(float64(r.EphemeralBytes) * f), Pods: int64(math.Round(float64(r.Pods) * f))}
}

func ptr[T any](v T) *T { return &v }
