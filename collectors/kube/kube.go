// Package kube snapshots a Kubernetes cluster through its API: nodes,
// the requests and limits of the pods that hold resources, live usage
// from the metrics API, persistent volume claims and capacity-pressure
// signals. Lists are read page by page and aggregated as they stream, so
// memory does not grow with the number of pods.
package kube

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"
	"k8s.io/component-helpers/resource"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/capplan/capplan/collectors"
)

// Source names this collector in snapshots.
const Source = "kubernetes API"

// Collector reads one cluster. Client is required; Metrics may be nil
// when the metrics API is not to be asked.
type Collector struct {
	Client  kubernetes.Interface
	Metrics metricsclient.Interface
	// PageSize is the list page size; 500 when zero.
	PageSize int64
	// Window is how far back pressure signals count; 7 days when zero.
	Window time.Duration
	// Now is the snapshot time; time.Now when nil.
	Now func() time.Time
	// PodMetricsByNamespace is the number of pods above which pod
	// metrics are listed a namespace at a time; 10,000 when zero.
	PodMetricsByNamespace int
}

// podMetricsByNamespace: the metrics API does not paginate, so a
// cluster-wide list of pod metrics is one response decoded whole; 150,000
// pods took the snapshot from 72 to 453 MiB. Above 10,000 pods (about
// 30 MiB of decoded metrics) they are listed a namespace at a time, which
// holds one namespace's in memory at the cost of a request per namespace.
const podMetricsByNamespace = 10000

// Collect takes the snapshot. Ceph is left empty: it has sources of its
// own. A part that cannot be read (the metrics API, say) leaves a note and
// the rest goes on; failing to list nodes or pods fails the snapshot.
func (c *Collector) Collect(ctx context.Context) (collectors.Snapshot, error) {
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	window := c.Window
	if window == 0 {
		window = 7 * 24 * time.Hour
	}
	snap := collectors.Snapshot{Taken: now.UTC(), Sources: map[string]string{}}
	a := newAggregate(now.Add(-window))

	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.CoreV1().Nodes().List(ctx, opts)
	}, func(obj runtime.Object) error { a.addNode(obj.(*corev1.Node)); return nil }); err != nil {
		return snap, fmt.Errorf("list nodes: %w", err)
	}
	snap.Sources["nodes"] = Source
	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.CoreV1().Pods("").List(ctx, opts)
	}, func(obj runtime.Object) error { a.addPod(obj.(*corev1.Pod)); return nil }); err != nil {
		return snap, fmt.Errorf("list pods: %w", err)
	}
	snap.Sources["pods"] = Source
	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.CoreV1().PersistentVolumeClaims("").List(ctx, opts)
	}, func(obj runtime.Object) error { a.addClaim(obj.(*corev1.PersistentVolumeClaim)); return nil }); err != nil {
		a.note("volume claims not read: %v", err)
	} else {
		snap.Sources["volumes"] = Source
	}
	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.StorageV1().StorageClasses().List(ctx, opts)
	}, func(obj runtime.Object) error {
		snap.StorageClasses = append(snap.StorageClasses, storageClass(obj.(*storagev1.StorageClass)))
		return nil
	}); err != nil {
		a.note("storage classes not read: %v", err)
	}
	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		opts.FieldSelector = "reason=FailedScheduling"
		return c.Client.CoreV1().Events("").List(ctx, opts)
	}, func(obj runtime.Object) error { a.addEvent(obj.(*corev1.Event)); return nil }); err != nil {
		a.note("scheduling events not read: %v", err)
	} else {
		snap.Sources["events"] = Source
	}
	c.usage(ctx, a, &snap)
	groups := map[string]string{}
	if err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.CoreV1().Namespaces().List(ctx, opts)
	}, func(obj runtime.Object) error {
		ns := obj.(*corev1.Namespace)
		if g := ns.Labels[collectors.GroupLabel]; g != "" {
			groups[ns.Name] = g
		}
		return nil
	}); err != nil {
		a.note("namespaces not read (their %s labels group them): %v", collectors.GroupLabel, err)
	}

	quotas := c.quotas(ctx, a)

	snap.Nodes = a.nodeList()
	snap.Unscheduled = a.unscheduled
	snap.Namespaces = byName(a.namespaces)
	for i := range snap.Namespaces {
		snap.Namespaces[i].Group = groups[snap.Namespaces[i].Name]
		snap.Namespaces[i].Quota = quotas[snap.Namespaces[i].Name]
	}
	snap.Volumes = a.volumeList()
	snap.Pressure = byName(a.pressure)
	snap.Notes = append(snap.Notes, a.notes...)
	return snap, nil
}

// quotas are each namespace's quota on requests, which bounds what its
// pods can ask for: the lowest hard requests.cpu (or cpu) and
// requests.memory (or memory) of its ResourceQuotas, since each must
// hold. A failed list is a note.
func (c *Collector) quotas(ctx context.Context, a *aggregate) map[string]*collectors.Resources {
	out := map[string]*collectors.Resources{}
	err := c.each(ctx, func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return c.Client.CoreV1().ResourceQuotas("").List(ctx, opts)
	}, func(obj runtime.Object) error {
		q := obj.(*corev1.ResourceQuota)
		cpu, okCPU := q.Spec.Hard[corev1.ResourceRequestsCPU]
		if !okCPU {
			cpu, okCPU = q.Spec.Hard[corev1.ResourceCPU]
		}
		mem, okMem := q.Spec.Hard[corev1.ResourceRequestsMemory]
		if !okMem {
			mem, okMem = q.Spec.Hard[corev1.ResourceMemory]
		}
		if !okCPU && !okMem {
			return nil
		}
		r := out[q.Namespace]
		if r == nil {
			r = &collectors.Resources{}
			out[q.Namespace] = r
		}
		if v := cpu.AsApproximateFloat64(); okCPU && (r.CPUCores == 0 || v < r.CPUCores) {
			r.CPUCores = v
		}
		if v := mem.Value(); okMem && (r.MemoryBytes == 0 || v < r.MemoryBytes) {
			r.MemoryBytes = v
		}
		return nil
	})
	if err != nil {
		a.note("resource quotas not read (namespaces' requests are planned against them): %v", err)
	}
	return out
}

// each lists through the pager, which asks for PageSize items at a time,
// hands them over one by one and falls back to a full list if the server
// expires a continuation token.
func (c *Collector) each(ctx context.Context, list pager.ListPageFunc, fn func(runtime.Object) error) error {
	p := pager.New(list)
	p.PageSize = c.PageSize
	if p.PageSize == 0 {
		p.PageSize = 500
	}
	return p.EachListItem(ctx, metav1.ListOptions{}, fn)
}

// usage adds live usage from the metrics API, or notes why there is none.
func (c *Collector) usage(ctx context.Context, a *aggregate, snap *collectors.Snapshot) {
	if c.Metrics == nil {
		a.note("no metrics API client: no live usage")
		return
	}
	missing := func(err error) {
		if apierrors.IsNotFound(err) || apierrors.IsServiceUnavailable(err) {
			a.note("metrics API (metrics.k8s.io) not available: no live usage; is metrics-server installed?")
			return
		}
		a.note("metrics API: %v; no live usage", err)
	}
	nodes, err := c.Metrics.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{})
	if err != nil {
		missing(err)
		return
	}
	for i := range nodes.Items {
		a.nodeUsage(nodes.Items[i].Name, nodes.Items[i].Usage)
	}
	namespaces := []string{""}
	above := c.PodMetricsByNamespace
	if above == 0 {
		above = podMetricsByNamespace
	}
	pods := 0
	for _, ns := range a.namespaces {
		pods += ns.Pods
	}
	if pods > above {
		namespaces = slices.Sorted(maps.Keys(a.namespaces))
	}
	for _, ns := range namespaces {
		list, err := c.Metrics.MetricsV1beta1().PodMetricses(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			missing(err)
			return
		}
		for i := range list.Items {
			var sum corev1.ResourceList = corev1.ResourceList{}
			for _, ct := range list.Items[i].Containers {
				for name, q := range ct.Usage {
					v := sum[name]
					v.Add(q)
					sum[name] = v
				}
			}
			a.namespaceUsage(list.Items[i].Namespace, sum)
		}
	}
	snap.Sources["usage"] = "metrics.k8s.io"
}

// aggregate accumulates the snapshot while lists stream.
type aggregate struct {
	since      time.Time
	nodes      map[string]*collectors.Node
	nodeOrder  []string
	namespaces map[string]*collectors.Namespace
	volumes    map[[2]string]*collectors.VolumeClaims
	pressure   map[string]*collectors.Pressure
	// unschedulable holds the pods already counted as failing to schedule
	// for lack of CPU or memory, so an event about one is not counted again.
	unschedulable map[string]bool
	noRequests    int
	unscheduled   collectors.Unscheduled
	pendingClaims int
	notes         []collectors.Note
}

func newAggregate(since time.Time) *aggregate {
	return &aggregate{
		since:         since,
		nodes:         map[string]*collectors.Node{},
		namespaces:    map[string]*collectors.Namespace{},
		volumes:       map[[2]string]*collectors.VolumeClaims{},
		pressure:      map[string]*collectors.Pressure{},
		unschedulable: map[string]bool{},
	}
}

func (a *aggregate) note(format string, args ...any) {
	a.notes = append(a.notes, collectors.Note{Source: Source, Message: fmt.Sprintf(format, args...)})
}

// resources converts a Kubernetes resource list: CPU to cores, the rest to
// bytes or counts.
func resources(l corev1.ResourceList) collectors.Resources {
	r := collectors.Resources{}
	if q, ok := l[corev1.ResourceCPU]; ok {
		// Not MilliValue: it rounds up, and the metrics API reports
		// nanocores.
		r.CPUCores = q.AsApproximateFloat64()
	}
	if q, ok := l[corev1.ResourceMemory]; ok {
		r.MemoryBytes = q.Value()
	}
	if q, ok := l[corev1.ResourceEphemeralStorage]; ok {
		r.EphemeralBytes = q.Value()
	}
	if q, ok := l[corev1.ResourcePods]; ok {
		r.Pods = q.Value()
	}
	return r
}

func (a *aggregate) addNode(n *corev1.Node) {
	node := &collectors.Node{
		Name:         n.Name,
		Schedulable:  !n.Spec.Unschedulable,
		Capacity:     resources(n.Status.Capacity),
		Allocatable:  resources(n.Status.Allocatable),
		InstanceType: n.Labels[corev1.LabelInstanceTypeStable],
	}
	if node.InstanceType == "" {
		node.InstanceType = n.Labels[corev1.LabelInstanceType]
	}
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			node.Ready = cond.Status == corev1.ConditionTrue
		}
	}
	for _, t := range n.Spec.Taints {
		// The node controller's own NotReady and unreachable taints say
		// what Ready says already.
		if (t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute) &&
			t.Key != corev1.TaintNodeNotReady && t.Key != corev1.TaintNodeUnreachable && t.Key != corev1.TaintNodeUnschedulable {
			node.NoSchedule = true
		}
	}
	for label := range n.Labels {
		if role, ok := strings.CutPrefix(label, "node-role.kubernetes.io/"); ok && role != "" {
			node.Roles = append(node.Roles, role)
		}
	}
	slices.Sort(node.Roles)
	if _, seen := a.nodes[n.Name]; !seen {
		a.nodeOrder = append(a.nodeOrder, n.Name)
	}
	a.nodes[n.Name] = node
}

func (a *aggregate) namespace(name string) *collectors.Namespace {
	return entry(a.namespaces, name, func() *collectors.Namespace { return &collectors.Namespace{Name: name} })
}

func (a *aggregate) pressureOf(namespace string) *collectors.Pressure {
	return entry(a.pressure, namespace, func() *collectors.Pressure { return &collectors.Pressure{Namespace: namespace} })
}

// entry returns m[k], first storing a new one when there is none.
func entry[K comparable, V any](m map[K]*V, k K, fresh func() *V) *V {
	v, ok := m[k]
	if !ok {
		v = fresh()
		m[k] = v
	}
	return v
}

// addPod counts a pod that holds resources (not Succeeded or Failed) with
// Kubernetes' own effective requests and limits: the larger of the app
// containers' sum and the largest init container, sidecars included, plus
// the pod's overhead. Failed pods still count for evictions and every pod
// for OOM kills in the window.
func (a *aggregate) addPod(p *corev1.Pod) {
	for _, statuses := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, cs := range statuses {
			for _, t := range []*corev1.ContainerStateTerminated{cs.State.Terminated, cs.LastTerminationState.Terminated} {
				if t != nil && t.Reason == "OOMKilled" && t.FinishedAt.After(a.since) {
					a.pressureOf(p.Namespace).OOMKilled++
				}
			}
		}
	}
	if p.Status.Phase == corev1.PodFailed && p.Status.Reason == "Evicted" && a.recent(p) {
		a.pressureOf(p.Namespace).Evicted++
	}
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return
	}
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable && insufficient(cond.Message) {
			a.pressureOf(p.Namespace).FailedScheduling++
			a.unschedulable[string(p.UID)] = true
		}
	}
	req := resources(resource.PodRequests(p, resource.PodResourcesOptions{}))
	lim := resources(resource.PodLimits(p, resource.PodResourcesOptions{}))
	req.Pods, lim.Pods = 1, 1
	if req.CPUCores == 0 && req.MemoryBytes == 0 {
		a.noRequests++
	}
	ns := a.namespace(p.Namespace)
	ns.Pods++
	ns.Requests = ns.Requests.Add(req)
	ns.Limits = ns.Limits.Add(lim)
	if p.Spec.NodeName == "" {
		a.unscheduled.Pods++
		a.unscheduled.Requests = a.unscheduled.Requests.Add(req)
		return
	}
	node, ok := a.nodes[p.Spec.NodeName]
	if !ok {
		// A pod bound to a node that was not listed (it left between the
		// two lists): its requests count for its namespace only.
		return
	}
	node.Requests = node.Requests.Add(req)
	node.Limits = node.Limits.Add(lim)
	if slices.ContainsFunc(p.OwnerReferences, func(o metav1.OwnerReference) bool { return o.Kind == "DaemonSet" }) {
		node.DaemonSetRequests = node.DaemonSetRequests.Add(req)
	}
}

// recent says whether the pod's last condition change falls in the window.
func (a *aggregate) recent(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.LastTransitionTime.After(a.since) {
			return true
		}
	}
	return false
}

func insufficient(message string) bool {
	return strings.Contains(message, "Insufficient cpu") || strings.Contains(message, "Insufficient memory")
}

func (a *aggregate) addEvent(e *corev1.Event) {
	when := e.LastTimestamp.Time
	if e.Series != nil && e.Series.LastObservedTime.After(when) {
		when = e.Series.LastObservedTime.Time
	}
	if when.IsZero() {
		when = e.EventTime.Time
	}
	if e.Reason != "FailedScheduling" || !insufficient(e.Message) || !when.After(a.since) || a.unschedulable[string(e.InvolvedObject.UID)] {
		return
	}
	a.unschedulable[string(e.InvolvedObject.UID)] = true
	a.pressureOf(e.InvolvedObject.Namespace).FailedScheduling++
}

// storageClass is what a class says of its backing: Ceph CSI's RBD and
// CephFS classes name their pool in the "pool" parameter.
func storageClass(sc *storagev1.StorageClass) collectors.StorageClass {
	out := collectors.StorageClass{Name: sc.Name, Provisioner: sc.Provisioner,
		Default: sc.Annotations["storageclass.kubernetes.io/is-default-class"] == "true"}
	if strings.Contains(sc.Provisioner, "rbd.csi.ceph.com") || strings.Contains(sc.Provisioner, "cephfs.csi.ceph.com") {
		out.Pool = sc.Parameters["pool"]
	}
	return out
}

func (a *aggregate) addClaim(c *corev1.PersistentVolumeClaim) {
	class := "(default)"
	if c.Spec.StorageClassName != nil {
		class = *c.Spec.StorageClassName
	}
	v := entry(a.volumes, [2]string{c.Namespace, class}, func() *collectors.VolumeClaims {
		return &collectors.VolumeClaims{Namespace: c.Namespace, StorageClass: class}
	})
	v.Claims++
	if q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
		v.RequestedBytes += q.Value()
	}
	if c.Status.Phase == corev1.ClaimPending || (c.Status.Phase == "" && c.Spec.VolumeName == "") {
		v.Pending++
		a.pendingClaims++
	}
}

func (a *aggregate) nodeUsage(name string, l corev1.ResourceList) {
	if n, ok := a.nodes[name]; ok {
		u := resources(l)
		n.Usage = &u
	}
}

func (a *aggregate) namespaceUsage(name string, l corev1.ResourceList) {
	ns := a.namespace(name)
	u := resources(l)
	if ns.Usage != nil {
		u = u.Add(*ns.Usage)
	}
	ns.Usage = &u
}

func (a *aggregate) nodeList() []collectors.Node {
	out := make([]collectors.Node, 0, len(a.nodeOrder))
	for _, name := range a.nodeOrder {
		out = append(out, *a.nodes[name])
	}
	if len(out) == 0 {
		a.note("the cluster has no nodes")
	}
	if a.noRequests > 0 {
		a.note("%d pod(s) request neither CPU nor memory: the scheduler places them as if free", a.noRequests)
	}
	if a.pendingClaims > 0 {
		a.note("%d volume claim(s) pending, with no volume yet: counted in their class's requests as demand not yet provisioned", a.pendingClaims)
	}
	if n := a.unscheduled.Pods; n > 0 {
		a.note("%d pod(s) not yet on a node, requesting %.2f cores and %.1f GiB: counted in their namespaces, not on any node", n,
			a.unscheduled.Requests.CPUCores, float64(a.unscheduled.Requests.MemoryBytes)/(1<<30))
	}
	return out
}

// byName returns the values of m in the order of their keys.
func byName[T any](m map[string]*T) []T {
	out := make([]T, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, *m[name])
	}
	return out
}

func (a *aggregate) volumeList() []collectors.VolumeClaims {
	out := make([]collectors.VolumeClaims, 0, len(a.volumes))
	for _, v := range a.volumes {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(x, y collectors.VolumeClaims) int {
		return strings.Compare(x.Namespace+"\x00"+x.StorageClass, y.Namespace+"\x00"+y.StorageClass)
	})
	return out
}
