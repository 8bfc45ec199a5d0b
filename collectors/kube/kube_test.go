package kube

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"

	"github.com/capplan/capplan/collectors"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const gkeNode = "gke-cluster-3-default-pool-76fd57f7-l83v" // the node of the metrics fixtures

func list(kv ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

func pod(ns, name, node string, phase corev1.PodPhase, containers ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "/" + name)},
		Spec:       corev1.PodSpec{NodeName: node, Containers: containers},
		Status:     corev1.PodStatus{Phase: phase},
	}
}

func container(name string, requests, limits corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}}
}

func cluster() []runtime.Object {
	always := corev1.ContainerRestartPolicyAlways
	// Requests as Kubernetes counts them: the app containers (1500m, 1.5Gi)
	// plus the sidecar (100m, 64Mi) against the largest init step (1 CPU,
	// 3Gi, plus the sidecar started before it), plus the pod overhead
	// (250m, 120Mi): 1.85 cores, 3Gi+184Mi.
	web := pod("shop", "web", gkeNode, corev1.PodRunning, container("web", list("cpu", "1500m", "memory", "1.5Gi"), list("cpu", "2", "memory", "2Gi")))
	sidecar := container("proxy", list("cpu", "100m", "memory", "64Mi"), nil)
	sidecar.RestartPolicy = &always
	web.Spec.InitContainers = []corev1.Container{sidecar, container("migrate", list("cpu", "1", "memory", "3Gi"), nil)}
	web.Spec.Overhead = list("cpu", "250m", "memory", "120Mi")

	oom := pod("shop", "cache", gkeNode, corev1.PodRunning, container("redis", list("cpu", "0.5", "memory", "129e6"), list("memory", "129e6")))
	oom.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "redis", LastTerminationState: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", FinishedAt: metav1.NewTime(now.Add(-24 * time.Hour))}}}}
	oldOOM := pod("shop", "old", gkeNode, corev1.PodRunning)
	oldOOM.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "x", LastTerminationState: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", FinishedAt: metav1.NewTime(now.Add(-10 * 24 * time.Hour))}}}}

	evicted := pod("shop", "evicted", gkeNode, corev1.PodFailed, container("web", list("cpu", "4"), nil))
	evicted.Status.Reason = "Evicted"
	evicted.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: metav1.NewTime(now.Add(-2 * time.Hour))}}
	done := pod("batch", "done", gkeNode, corev1.PodSucceeded, container("job", list("cpu", "8", "memory", "8Gi"), nil))
	waiting := pod("batch", "waiting", "", corev1.PodPending, container("job", list("cpu", "6", "memory", "1Gi"), nil))
	waiting.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
		Message: "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable."}}

	event := func(name, podUID, message string, age time.Duration) *corev1.Event {
		return &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "batch", Name: name}, Reason: "FailedScheduling", Message: message,
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "batch", UID: types.UID(podUID)}, LastTimestamp: metav1.NewTime(now.Add(-age))}
	}
	class := "ceph-block"
	claim := func(ns, name string, class *string, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: class, Resources: corev1.VolumeResourceRequirements{Requests: list("storage", size)}}}
	}
	return []runtime.Object{
		&corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: gkeNode, Labels: map[string]string{"node-role.kubernetes.io/worker": "", corev1.LabelInstanceTypeStable: "e2-medium"}},
			Status: corev1.NodeStatus{
				Capacity:    list("cpu", "2", "memory", "4026680Ki", "pods", "110", "ephemeral-storage", "98831908Ki"),
				Allocatable: list("cpu", "1930m", "memory", "2884408Ki", "pods", "110"),
				Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			},
		},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "idle"}, Spec: corev1.NodeSpec{Unschedulable: true},
			Status: corev1.NodeStatus{Allocatable: list("cpu", "4", "memory", "16Gi"), Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse}}}},
		web, oom, oldOOM, evicted, done, waiting, pod("shop", "free", gkeNode, corev1.PodRunning, container("c", nil, nil)),
		event("e1", "batch/waiting", "0/2 nodes are available: 1 Insufficient cpu.", time.Hour),
		event("e2", "batch/gone", "0/2 nodes are available: 2 Insufficient memory.", 3*24*time.Hour),
		event("e3", "batch/older", "0/2 nodes are available: 2 Insufficient memory.", 9*24*time.Hour),
		event("e4", "batch/tainted", "0/2 nodes are available: 2 node(s) had untolerated taint.", time.Hour),
		claim("shop", "data", &class, "10Gi"), claim("shop", "logs", &class, "5Gi"), claim("shop", "scratch", nil, "1Gi"),
	}
}

// metricsFixtures loads the GKE metrics API responses into a fake client.
func metricsFixtures(t *testing.T) *metricsfake.Clientset {
	t.Helper()
	return metricsFrom(t, "nodemetricslist-gke-1.20.8.libcloud.json", "podmetricslist-gke-1.20.8.libcloud.json")
}

// metricsFrom serves the node and pod metrics lists saved in testdata.
func metricsFrom(t *testing.T, nodeFile, podFile string) *metricsfake.Clientset {
	t.Helper()
	var nodes metricsv1beta1.NodeMetricsList
	var pods metricsv1beta1.PodMetricsList
	for file, into := range map[string]any{nodeFile: &nodes, podFile: &pods} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, into); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	return metricsServing(nodes, pods)
}

// metricsServing serves the lists as the metrics API does: pods of one
// namespace when one is asked for.
func metricsServing(nodes metricsv1beta1.NodeMetricsList, pods metricsv1beta1.PodMetricsList) *metricsfake.Clientset {
	client := metricsfake.NewSimpleClientset()
	client.PrependReactor("list", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) { return true, &nodes, nil })
	client.PrependReactor("list", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() == "" {
			return true, &pods, nil
		}
		in := metricsv1beta1.PodMetricsList{}
		for _, p := range pods.Items {
			if p.Namespace == a.GetNamespace() {
				in.Items = append(in.Items, p)
			}
		}
		return true, &in, nil
	})
	return client
}

func collect(t *testing.T, c *Collector) collectors.Snapshot {
	t.Helper()
	c.Now = func() time.Time { return now }
	snap, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestCollect(t *testing.T) {
	snap := collect(t, &Collector{Client: fake.NewClientset(cluster()...), Metrics: metricsFixtures(t)})

	if len(snap.Nodes) != 2 {
		t.Fatalf("%d nodes, want 2", len(snap.Nodes))
	}
	gke, idle := snap.Nodes[0], snap.Nodes[1]
	if gke.Name != gkeNode || !gke.Ready || !gke.Schedulable || gke.InstanceType != "e2-medium" || strings.Join(gke.Roles, ",") != "worker" {
		t.Errorf("node %+v", gke)
	}
	if idle.Ready || idle.Schedulable || idle.Usage != nil {
		t.Errorf("idle node %+v: want not ready, not schedulable, no usage", idle)
	}
	if gke.Allocatable.CPUCores != 1.93 || gke.Allocatable.MemoryBytes != 2884408*1024 || gke.Capacity.EphemeralBytes != 98831908*1024 {
		t.Errorf("allocatable %+v, capacity %+v", gke.Allocatable, gke.Capacity)
	}
	// web (1.85 cores, 3Gi+184Mi) + cache (0.5, 129e6) + old and free (nothing).
	wantCPU, wantMem := 1.85+0.5, int64(3<<30+184<<20+129e6)
	if !near(gke.Requests.CPUCores, wantCPU) || gke.Requests.MemoryBytes != wantMem || gke.Requests.Pods != 4 {
		t.Errorf("node requests %+v, want %.2f cores, %d bytes, 4 pods", gke.Requests, wantCPU, wantMem)
	}
	// Limits: web's 2 cores and 2Gi plus its overhead (Kubernetes adds it
	// to limits too), cache's memory limit.
	if !near(gke.Limits.CPUCores, 2.25) || gke.Limits.MemoryBytes != 2<<30+120<<20+129e6 {
		t.Errorf("node limits %+v", gke.Limits)
	}
	if gke.Usage == nil || !near(gke.Usage.CPUCores, 0.110691045) || gke.Usage.MemoryBytes != 801112*1024 {
		t.Errorf("node usage %+v, want the fixture's 110691045n and 801112Ki", gke.Usage)
	}

	byName := map[string]collectors.Namespace{}
	for _, ns := range snap.Namespaces {
		byName[ns.Name] = ns
	}
	if shop := byName["shop"]; shop.Pods != 4 || !near(shop.Requests.CPUCores, wantCPU) {
		t.Errorf("shop %+v, want 4 pods and %.2f cores", shop, wantCPU)
	}
	if batch := byName["batch"]; batch.Pods != 1 || !near(batch.Requests.CPUCores, 6) {
		t.Errorf("batch %+v: want the waiting pod only (the finished one holds nothing)", batch)
	}
	// kube-system's usage is the sum of the fixture's ten pods.
	if ks := byName["kube-system"]; ks.Usage == nil || !near(ks.Usage.CPUCores, 0.06208736) || ks.Usage.MemoryBytes != 201863168 {
		t.Errorf("kube-system usage %+v, want 0.06208736 cores, 201863168 bytes", ks.Usage)
	}

	pressure := map[string]collectors.Pressure{}
	for _, p := range snap.Pressure {
		pressure[p.Namespace] = p
	}
	if p := pressure["shop"]; p.OOMKilled != 1 || p.Evicted != 1 {
		t.Errorf("shop pressure %+v, want 1 OOM kill in the window and 1 eviction", p)
	}
	// The waiting pod (once, though an event repeats it) and the event
	// about a pod gone since; not the old event nor the taint.
	if p := pressure["batch"]; p.FailedScheduling != 2 {
		t.Errorf("batch pressure %+v, want 2 pods that failed to schedule for lack of CPU or memory", p)
	}

	if len(snap.Volumes) != 2 || snap.Volumes[0].StorageClass != "(default)" || snap.Volumes[1].Claims != 2 || snap.Volumes[1].RequestedBytes != 15<<30 {
		t.Errorf("volumes %+v", snap.Volumes)
	}
	for _, part := range []string{"nodes", "pods", "volumes", "events", "usage"} {
		if snap.Sources[part] == "" {
			t.Errorf("no source for %s: %v", part, snap.Sources)
		}
	}
	for _, want := range []string{"request neither CPU nor memory", "not yet on a node"} {
		if !hasNote(snap, want) {
			t.Errorf("no note about %q: %v", want, snap.Notes)
		}
	}
}

func hasNote(s collectors.Snapshot, text string) bool {
	for _, n := range s.Notes {
		if strings.Contains(n.Message, text) {
			return true
		}
	}
	return false
}

func TestCollectWithoutMetricsServer(t *testing.T) {
	metrics := metricsfake.NewSimpleClientset()
	metrics.PrependReactor("list", "*", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(schema.GroupResource{Group: "metrics.k8s.io", Resource: "nodes"}, "")
	})
	snap := collect(t, &Collector{Client: fake.NewClientset(cluster()...), Metrics: metrics})
	if snap.Nodes[0].Usage != nil || snap.Sources["usage"] != "" {
		t.Errorf("usage %+v from %q without a metrics API", snap.Nodes[0].Usage, snap.Sources["usage"])
	}
	if !hasNote(snap, "is metrics-server installed?") {
		t.Errorf("no note on the missing metrics API: %v", snap.Notes)
	}
}

func TestCollectEmptyCluster(t *testing.T) {
	snap := collect(t, &Collector{Client: fake.NewClientset()})
	if len(snap.Nodes) != 0 || len(snap.Namespaces) != 0 || !hasNote(snap, "no nodes") || !hasNote(snap, "no live usage") {
		t.Errorf("empty cluster: %+v", snap)
	}
}

// Minikube's metrics: a container at cpu "0", and a namespace with no pod
// metrics at all.
func TestCollectMinikubeMetrics(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "minikube"},
		Status: corev1.NodeStatus{Allocatable: list("cpu", "2", "memory", "4Gi"), Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}}}
	app := pod("default", "dotnet-test-d4894bfbd-2q2dw", "minikube", corev1.PodRunning, container("dotnet-test", list("cpu", "100m"), nil))
	snap := collect(t, &Collector{Client: fake.NewClientset(node, app),
		Metrics: metricsFrom(t, "nodemetricslist-minikube-2020.csharp-client.json", "podmetricslist-minikube-2020.csharp-client.json")})
	if u := snap.Nodes[0].Usage; u == nil || !near(u.CPUCores, 0.394) || u.MemoryBytes != 1948140*1024 {
		t.Errorf("node usage %+v, want 394m and 1948140Ki", u)
	}
	if u := snap.Namespaces[0].Usage; u == nil || u.CPUCores != 0 || u.MemoryBytes != 14512*1024 {
		t.Errorf("default namespace usage %+v, want 0 cores and 14512Ki", u)
	}
	empty := collect(t, &Collector{Client: fake.NewClientset(node, app),
		Metrics: metricsFrom(t, "nodemetricslist-minikube-2020.csharp-client.json", "podmetricslist-empty-namespace.csharp-client.json")})
	if empty.Namespaces[0].Usage != nil {
		t.Errorf("no pod metrics, yet usage %+v", empty.Namespaces[0].Usage)
	}
}

// TestCollectTaintsAndDaemonSets: a NoSchedule taint keeps new pods off a
// node (the node controller's own taints say what Ready says); a
// DaemonSet's pods are counted apart on their node, as they do not move.
func TestCollectTaintsAndDaemonSets(t *testing.T) {
	ready := []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	cp := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp"}, Status: corev1.NodeStatus{Conditions: ready},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}}}
	gone := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "gone"},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute}}}}
	soft := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "soft"}, Status: corev1.NodeStatus{Conditions: ready},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectPreferNoSchedule}}}}
	agent := pod("kube-system", "agent", "soft", corev1.PodRunning, container("a", list("cpu", "100m", "memory", "128Mi"), nil))
	agent.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", Name: "agent"}}
	app := pod("shop", "app", "soft", corev1.PodRunning, container("a", list("cpu", "1", "memory", "1Gi"), nil))
	snap := collect(t, &Collector{Client: fake.NewClientset(cp, gone, soft, agent, app), Metrics: metricsfake.NewSimpleClientset()})
	byName := map[string]collectors.Node{}
	for _, n := range snap.Nodes {
		byName[n.Name] = n
	}
	if !byName["cp"].NoSchedule || byName["gone"].NoSchedule || byName["soft"].NoSchedule {
		t.Errorf("NoSchedule: cp %v, gone %v, soft %v; want true, false (its taint is NotReady's), false (only preferred)",
			byName["cp"].NoSchedule, byName["gone"].NoSchedule, byName["soft"].NoSchedule)
	}
	if s := byName["soft"]; !near(s.Requests.CPUCores, 1.1) || !near(s.DaemonSetRequests.CPUCores, 0.1) || s.DaemonSetRequests.MemoryBytes != 128<<20 {
		t.Errorf("soft: requests %+v, DaemonSet requests %+v; want 1.1 cores and 0.1 cores, 128 MiB", s.Requests, s.DaemonSetRequests)
	}
}

// TestCollectStorageClasses: a Ceph CSI class names the pool that backs
// it; another class has none.
func TestCollectStorageClasses(t *testing.T) {
	rbd := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "ceph-block", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "rook-ceph.rbd.csi.ceph.com", Parameters: map[string]string{"clusterID": "rook-ceph", "pool": "replicapool"}}
	local := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "local-path"}, Provisioner: "rancher.io/local-path", Parameters: map[string]string{"pool": "x"}}
	snap := collect(t, &Collector{Client: fake.NewClientset(rbd, local), Metrics: metricsfake.NewSimpleClientset()})
	want := []collectors.StorageClass{{Name: "ceph-block", Provisioner: "rook-ceph.rbd.csi.ceph.com", Pool: "replicapool", Default: true},
		{Name: "local-path", Provisioner: "rancher.io/local-path"}}
	if !slices.Equal(snap.StorageClasses, want) {
		t.Errorf("storage classes %+v, want %+v", snap.StorageClasses, want)
	}
}

// TestPodMetricsByNamespace: above PodMetricsByNamespace pods, pod
// metrics are listed a namespace at a time (the metrics API does not
// paginate); the usage is the same as from one cluster-wide list.
func TestPodMetricsByNamespace(t *testing.T) {
	use := func(cpu, mem string) []metricsv1beta1.ContainerMetrics {
		return []metricsv1beta1.ContainerMetrics{{Name: "c", Usage: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}}
	}
	pods := metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Containers: use("250m", "300Mi")},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cache"}, Containers: use("50m", "100Mi")},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "batch", Name: "job"}, Containers: use("1", "1Gi")},
	}}
	whole := collect(t, &Collector{Client: fake.NewClientset(cluster()...), Metrics: metricsServing(metricsv1beta1.NodeMetricsList{}, pods)})
	metrics := metricsServing(metricsv1beta1.NodeMetricsList{}, pods)
	split := collect(t, &Collector{Client: fake.NewClientset(cluster()...), Metrics: metrics, PodMetricsByNamespace: 1})
	if !reflect.DeepEqual(whole.Namespaces, split.Namespaces) {
		t.Errorf("by namespace %+v, whole %+v", split.Namespaces, whole.Namespaces)
	}
	for _, ns := range split.Namespaces {
		if want := map[string]float64{"shop": 0.3, "batch": 1}[ns.Name]; ns.Usage == nil || !near(ns.Usage.CPUCores, want) {
			t.Errorf("namespace %s: usage %+v, want %v cores", ns.Name, ns.Usage, want)
		}
	}
	var listed []string
	for _, a := range metrics.Actions() {
		if a.GetVerb() == "list" && a.GetResource().Resource == "pods" {
			listed = append(listed, a.GetNamespace())
		}
	}
	var want []string
	for _, ns := range split.Namespaces {
		want = append(want, ns.Name)
	}
	if !slices.Equal(listed, want) || slices.Contains(listed, "") {
		t.Errorf("pod metrics listed in %q, want each of %q", listed, want)
	}
}

// TestPendingClaims: a claim without a volume is counted, and counted as
// pending, with a note.
func TestPendingClaims(t *testing.T) {
	class := "ceph-block"
	claim := func(name string, phase corev1.PersistentVolumeClaimPhase, volume string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class, VolumeName: volume,
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}}},
			Status: corev1.PersistentVolumeClaimStatus{Phase: phase}}
	}
	snap := collect(t, &Collector{Client: fake.NewClientset(claim("bound", corev1.ClaimBound, "pv-1"), claim("waiting", corev1.ClaimPending, "")),
		Metrics: metricsfake.NewSimpleClientset()})
	if len(snap.Volumes) != 1 || snap.Volumes[0].Claims != 2 || snap.Volumes[0].Pending != 1 || snap.Volumes[0].RequestedBytes != 20<<30 {
		t.Errorf("volumes %+v, want 2 claims of 10 GiB, 1 pending", snap.Volumes)
	}
	if !slices.ContainsFunc(snap.Notes, func(n collectors.Note) bool { return strings.Contains(n.Message, "1 volume claim(s) pending") }) {
		t.Errorf("notes %+v", snap.Notes)
	}
}

// TestCollectNamespaceGroups: a namespace's capplan.io/group label names
// its group; a namespace without one has none.
func TestCollectNamespaceGroups(t *testing.T) {
	shop := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{collectors.GroupLabel: "web shop"}}}
	objs := append(cluster(), shop)
	snap := collect(t, &Collector{Client: fake.NewClientset(objs...), Metrics: metricsFixtures(t)})
	groups := map[string]string{}
	for _, ns := range snap.Namespaces {
		groups[ns.Name] = ns.Group
	}
	if groups["shop"] != "web shop" || len(groups) < 2 {
		t.Errorf("groups %v, want shop in web shop and the others in none", groups)
	}
	for name, g := range groups {
		if name != "shop" && g != "" {
			t.Errorf("%s in group %q, want none", name, g)
		}
	}
}

// TestCollectQuotas: a namespace's quotas on requests, the lowest of its
// quotas where it has several ("cpu" is requests.cpu in a quota); a
// quota on other resources only is none.
func TestCollectQuotas(t *testing.T) {
	quota := func(ns, name string, hard corev1.ResourceList) *corev1.ResourceQuota {
		return &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.ResourceQuotaSpec{Hard: hard}}
	}
	objs := append(cluster(),
		quota("shop", "team", corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("8"), corev1.ResourceRequestsMemory: resource.MustParse("32Gi")}),
		quota("shop", "tight", corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("6500m")}),
		quota("kube-system", "pods", corev1.ResourceList{corev1.ResourcePods: resource.MustParse("100")}))
	snap := collect(t, &Collector{Client: fake.NewClientset(objs...), Metrics: metricsFixtures(t)})
	var found bool
	for _, ns := range snap.Namespaces {
		switch ns.Name {
		case "shop":
			found = true
			if ns.Quota == nil || ns.Quota.CPUCores != 6.5 || ns.Quota.MemoryBytes != 32<<30 {
				t.Errorf("shop's quota %+v, want 6.5 cores and 32 GiB", ns.Quota)
			}
		default:
			if ns.Quota != nil {
				t.Errorf("%s has a quota %+v", ns.Name, ns.Quota)
			}
		}
	}
	if !found {
		t.Fatalf("no namespace shop: %+v", snap.Namespaces)
	}
}
