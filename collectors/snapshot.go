// Package collectors defines what the sources of capplan report about a
// cluster: a Snapshot of what exists now and the History of how it got
// there. The sources themselves live in sub-packages (ceph, demo, csvfile,
// ...), each turning one kind of input into these types; every figure
// carries the source it came from, and every gap is a Note rather than a
// silent zero.
package collectors

import (
	"slices"
	"time"

	"github.com/capplan/capplan/redact"
)

// Snapshot is the state of a cluster at one time.
type Snapshot struct {
	Taken   time.Time `json:"taken"`
	Cluster string    `json:"cluster"`
	Nodes   []Node    `json:"nodes"`
	// Namespaces holds the requests and limits of the pods that hold
	// resources (not Succeeded or Failed), and their live usage.
	Namespaces []Namespace `json:"namespaces"`
	// Unscheduled sums the pods (counted in Namespaces) that are on no
	// node yet: demand the cluster has not placed.
	Unscheduled Unscheduled    `json:"unscheduled"`
	Volumes     []VolumeClaims `json:"volumes,omitempty"`
	// StorageClasses say which Ceph pool backs the claims of each class.
	StorageClasses []StorageClass `json:"storage_classes,omitempty"`
	Pressure       []Pressure     `json:"pressure,omitempty"`
	Ceph           *Ceph          `json:"ceph,omitempty"`
	// Workloads are the containers of each workload with their requests
	// and their usage over a window of history, for right-sizing; empty
	// when no source holds per-container usage history.
	Workloads []Workload `json:"workloads,omitempty"`
	// Sources names where each part came from ("demo", "ceph df file
	// ceph.json", "metrics.k8s.io", ...), keyed by part.
	Sources map[string]string `json:"sources"`
	Notes   []Note            `json:"notes,omitempty"`
	// HistoryOnly is true when no cluster was to be read: a history is
	// planned alone, against configured capacities.
	HistoryOnly bool `json:"history_only,omitempty"`
}

// Workload is one container of a workload: the pods' owner (Deployment,
// StatefulSet, DaemonSet, CronJob; a ReplicaSet, Job or Pod that has none
// above it), their requests now and their usage over the last WindowDays.
type Workload struct {
	Namespace string `json:"namespace"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Container string `json:"container"`
	// Pods is how many of its pods hold resources now (Pending or
	// Running); CPURequest and MemoryRequest are one pod's.
	Pods          int     `json:"pods"`
	CPURequest    float64 `json:"cpu_request_cores"`
	MemoryRequest float64 `json:"memory_request_bytes"`
	// CPUP95 is the highest, over the pods that ran in the window, of each
	// pod's 95th percentile of CPU use (per-minute rates); MemoryMax the
	// highest working set of any of them. Nil when unknown.
	CPUP95    *float64 `json:"cpu_p95_cores,omitempty"`
	MemoryMax *float64 `json:"memory_max_bytes,omitempty"`
	// Samples is how many memory samples its pods have in the window,
	// all pods together.
	Samples    int `json:"samples"`
	WindowDays int `json:"window_days"`
}

// Resources is an amount of the resources a node offers or a pod asks
// for. CPU is in cores; memory and ephemeral storage are in bytes.
type Resources struct {
	CPUCores       float64 `json:"cpu_cores"`
	MemoryBytes    int64   `json:"memory_bytes"`
	EphemeralBytes int64   `json:"ephemeral_storage_bytes,omitempty"`
	Pods           int64   `json:"pods,omitempty"`
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{
		CPUCores:       r.CPUCores + o.CPUCores,
		MemoryBytes:    r.MemoryBytes + o.MemoryBytes,
		EphemeralBytes: r.EphemeralBytes + o.EphemeralBytes,
		Pods:           r.Pods + o.Pods,
	}
}

// Node is one node with what it offers, what is asked of it and what it
// uses.
type Node struct {
	Name         string   `json:"name"`
	Roles        []string `json:"roles,omitempty"`
	InstanceType string   `json:"instance_type,omitempty"`
	Ready        bool     `json:"ready"`
	Schedulable  bool     `json:"schedulable"`
	// NoSchedule is true when a NoSchedule or NoExecute taint keeps pods
	// without a toleration off the node (a control plane's, usually).
	NoSchedule  bool      `json:"no_schedule,omitempty"`
	Capacity    Resources `json:"capacity"`
	Allocatable Resources `json:"allocatable"`
	Requests    Resources `json:"requests"`
	Limits      Resources `json:"limits"`
	// DaemonSetRequests are the requests of the node's DaemonSet pods,
	// which run on every node and do not move when it is lost.
	DaemonSetRequests Resources `json:"daemonset_requests"`
	// Usage is nil when the metrics API did not report the node.
	Usage *Resources `json:"usage,omitempty"`
}

// TakesPods says whether the node is capacity: Ready, schedulable (not
// cordoned) and without a NoSchedule or NoExecute taint. A node that takes
// no pods can neither give room nor be lost.
func (n Node) TakesPods() bool { return n.Ready && n.Schedulable && !n.NoSchedule }

// Unscheduled sums the pods that hold resources but are on no node.
type Unscheduled struct {
	Pods     int       `json:"pods"`
	Requests Resources `json:"requests"`
}

// Namespace sums the pods of one namespace.
type Namespace struct {
	Name string `json:"name"`
	// Group is the team or product the namespace belongs to, from its
	// GroupLabel; "" without one.
	Group    string     `json:"group,omitempty"`
	Pods     int        `json:"pods"`
	Requests Resources  `json:"requests"`
	Limits   Resources  `json:"limits"`
	Usage    *Resources `json:"usage,omitempty"`
	// Quota is the lowest hard requests.cpu and requests.memory of the
	// namespace's ResourceQuotas (0: no quota on that resource); nil
	// without any.
	Quota *Resources `json:"quota,omitempty"`
}

// GroupLabel is the namespace label that names its group, for the
// report's growth by group (the configuration's groups come first).
const GroupLabel = "capplan.io/group"

// StorageClass is a class of persistent volumes and what provisions them:
// Pool is the Ceph pool of a Ceph CSI class (its "pool" parameter), "" for
// others or when the class does not name one.
type StorageClass struct {
	Name        string `json:"name"`
	Provisioner string `json:"provisioner"`
	Pool        string `json:"pool,omitempty"`
	Default     bool   `json:"default,omitempty"`
}

// VolumeClaims sums the persistent volume claims of one namespace and
// storage class. UsedBytes is nil where no source reports usage.
type VolumeClaims struct {
	Namespace      string `json:"namespace"`
	StorageClass   string `json:"storage_class"`
	Claims         int    `json:"claims"`
	RequestedBytes int64  `json:"requested_bytes"`
	// Pending claims have no volume yet (counted in Claims and
	// RequestedBytes): demand their class has not provisioned.
	Pending   int    `json:"pending,omitempty"`
	UsedBytes *int64 `json:"used_bytes,omitempty"`
}

// Pressure counts the capacity-pressure events of one namespace over the
// snapshot's look-back window.
type Pressure struct {
	Namespace        string `json:"namespace"`
	OOMKilled        int    `json:"oom_killed"`
	Evicted          int    `json:"evicted"`
	FailedScheduling int    `json:"failed_scheduling"`
}

// Ceph is the storage side: raw capacity and the pools carved from it.
type Ceph struct {
	// Raw bytes across all OSDs: total, used (data, replicas and
	// overhead) and available.
	TotalBytes int64  `json:"total_bytes"`
	UsedBytes  int64  `json:"used_bytes"`
	AvailBytes int64  `json:"avail_bytes"`
	Pools      []Pool `json:"pools,omitempty"`
	// The OSD fullness ratios: Ceph warns at NearfullRatio and stops
	// writes at FullRatio. RatiosAssumed is true when no source reported
	// them and Ceph's defaults (0.85, 0.95) stand in.
	// UsableBytes is what clients could store on the whole raw capacity:
	// see SetUsable. Zero when no pool's replication is known.
	UsableBytes   int64   `json:"usable_bytes,omitempty"`
	NearfullRatio float64 `json:"nearfull_ratio"`
	FullRatio     float64 `json:"full_ratio"`
	RatiosAssumed bool    `json:"ratios_assumed,omitempty"`
}

// SetUsable estimates UsableBytes as the raw total over the replication of
// the pool that stores the most (a 3-way replicated cluster holds a third
// of its raw bytes), and returns that pool's name and replication ("" when
// no pool's replication is known). Each pool's MaxAvailBytes, Ceph's own
// projection, says what is left of it.
func (c *Ceph) SetUsable() (pool string, replication float64) {
	var by *Pool
	for i := range c.Pools {
		p := &c.Pools[i]
		if p.Replication > 0 && (by == nil || p.StoredBytes > by.StoredBytes) {
			by = p
		}
	}
	if by == nil {
		c.UsableBytes = 0
		return "", 0
	}
	c.UsableBytes = int64(float64(c.TotalBytes) / by.Replication)
	return by.Name, by.Replication
}

// Ceph's default OSD fullness ratios (mon_osd_nearfull_ratio,
// mon_osd_full_ratio).
const (
	DefaultNearfullRatio = 0.85
	DefaultFullRatio     = 0.95
)

// Pool is one Ceph pool. StoredBytes is what clients wrote; UsedBytes is
// what that takes on the OSDs with replication or erasure coding;
// MaxAvailBytes is what clients can still write, as Ceph projects it from
// the fullest OSD the pool maps to.
type Pool struct {
	Name          string `json:"name"`
	ID            int    `json:"id"`
	StoredBytes   int64  `json:"stored_bytes"`
	UsedBytes     int64  `json:"used_bytes"`
	MaxAvailBytes int64  `json:"max_avail_bytes"`
	Objects       int64  `json:"objects"`
	// PercentUsed is Ceph's own fraction (0-1) of the pool's space used.
	PercentUsed float64 `json:"percent_used"`
	// QuotaBytes is the pool's own quota (ceph osd pool set-quota
	// max_bytes); 0 when it has none or no source said.
	QuotaBytes int64 `json:"quota_bytes,omitempty"`
	// Replication is the raw bytes written per byte stored: the replica
	// count of a replicated pool, (k+m)/k of an erasure-coded one. Zero
	// when unknown.
	Replication float64 `json:"replication,omitempty"`
}

// Note is something the reader should know about the data: a missing
// source, an assumption, a value that could not be read.
type Note struct {
	Source  string `json:"source"`
	Message string `json:"message"`
}

// History is the daily past of a cluster's resources.
type History struct {
	Series []Series `json:"series"`
}

// Series is the daily history of one quantity, oldest day first. Days a
// source has no data for are left out, and the source notes them.
type Series struct {
	// Name is "<resource>/<quantity>", e.g. "cpu/usage", "memory/requests",
	// "ceph/raw_used" or "ceph/pool/replicapool/stored".
	Name   string `json:"name"`
	Unit   string `json:"unit"` // units.Cores, units.Bytes or units.BytesPerSecond
	Source string `json:"source"`
	Days   []Day  `json:"days"`
}

// Day is one day's mean and peak of a quantity.
type Day struct {
	Date time.Time `json:"date"` // midnight UTC
	Mean float64   `json:"mean"`
	Peak float64   `json:"peak"`
}

// Redacted is notes with r's secrets removed from their sources and
// messages: sources and client libraries echo the URLs they were given.
func Redacted(notes []Note, r redact.Redactor) []Note {
	out := slices.Clone(notes)
	for i := range out {
		out[i].Source, out[i].Message = r.String(out[i].Source), r.String(out[i].Message)
	}
	return out
}

// Redacted is h with r's secrets removed from its series' sources.
func (h History) Redacted(r redact.Redactor) History {
	out := History{Series: make([]Series, len(h.Series))}
	for i, s := range h.Series {
		s.Source = r.String(s.Source)
		out.Series[i] = s
	}
	return out
}
