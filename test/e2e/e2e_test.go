package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job"
	"github.com/capplan/capplan/report"
	"github.com/capplan/capplan/test/servertest"
)

const installNS = "capplan"

// renderChart renders charts/capplan as `helm install capplan -n capplan`
// with the values given, and returns its objects by kind.
func renderChart(t *testing.T, vals map[string]any) map[string][]*unstructured.Unstructured {
	t.Helper()
	ch, err := loader.Load("../../charts/capplan")
	if err != nil {
		t.Fatal(err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = chartutil.KubeVersion{Version: "v1.34.4", Major: "1", Minor: "34"}
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "capplan", Namespace: installNS, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string][]*unstructured.Unstructured{}
	for name, text := range out {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for _, doc := range strings.Split(text, "\n---") {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if m == nil {
				continue
			}
			u := &unstructured.Unstructured{Object: m}
			objs[u.GetKind()] = append(objs[u.GetKind()], u)
		}
	}
	return objs
}

// warnings collects the API server's warnings (PodSecurity's among them).
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

// install creates every object the chart renders, as helm install would,
// in a namespace that enforces Pod Security "restricted", and returns the
// warnings the API server gave.
func install(t *testing.T, c *cluster, vals map[string]any) []string {
	t.Helper()
	cs := c.clientset(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: installNS, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted"}}}
	if _, err := cs.CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	w := &warnings{}
	cfg := rest.CopyConfig(c.Admin)
	cfg.WarningHandler = w
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resources := map[string]schema.GroupVersionResource{
		"ServiceAccount":     {Version: "v1", Resource: "serviceaccounts"},
		"ConfigMap":          {Version: "v1", Resource: "configmaps"},
		"ClusterRole":        {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
		"ClusterRoleBinding": {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
		"Role":               {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"},
		"RoleBinding":        {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"},
		"CronJob":            {Group: "batch", Version: "v1", Resource: "cronjobs"},
	}
	objects := renderChart(t, vals)
	for _, kind := range []string{"ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "CronJob"} {
		for _, o := range objects[kind] {
			var r dynamic.ResourceInterface = dyn.Resource(resources[kind])
			if ns := o.GetNamespace(); ns != "" {
				r = dyn.Resource(resources[kind]).Namespace(ns)
			}
			// Strict field validation: a field the API does not know is
			// an error, not silently dropped.
			if _, err := r.Create(t.Context(), o, metav1.CreateOptions{FieldValidation: "Strict"}); err != nil {
				t.Fatalf("%s %s: %v", kind, o.GetName(), err)
			}
		}
	}
	return w.msgs
}

// token is a ServiceAccount's token from the TokenRequest API, as the
// kubelet projects it into the pod.
func token(t *testing.T, cs kubernetes.Interface, ns, sa string) string {
	t.Helper()
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), sa, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

func res(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return l
}

func container(name, reqCPU, reqMem, limCPU, limMem string) corev1.Container {
	return corev1.Container{Name: name, Image: "registry.example.org/" + name + ":1",
		Resources: corev1.ResourceRequirements{Requests: res(reqCPU, reqMem), Limits: res(limCPU, limMem)}}
}

const gi = int64(1) << 30

// homelab creates the reference homelab's world through the API: three
// nodes, pods in every state that matters, claims in a Ceph and a
// local-path class, a FailedScheduling event, and a Rook CephCluster.
func homelab(t *testing.T, c *cluster) {
	t.Helper()
	cs := c.clientset(t)
	ctx := t.Context()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// mini-4 is cordoned for maintenance: it is not capacity.
	for _, name := range []string{"mini-1", "mini-2", "mini-3", "mini-4"} {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"node.kubernetes.io/instance-type": "mini-pc"}},
			Spec: corev1.NodeSpec{Unschedulable: name == "mini-4"}}
		n, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
		must(n, err)
		n.Status = corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("12"), corev1.ResourceMemory: resource.MustParse("64Gi"), corev1.ResourcePods: resource.MustParse("110")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("11500m"), corev1.ResourceMemory: resource.MustParse("62Gi"), corev1.ResourcePods: resource.MustParse("110")},
			Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}},
		}
		must(cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}))
	}
	for _, ns := range []string{"shop", "data"} {
		must(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
	}
	now := metav1.Now()
	pod := func(ns, name, node string, init []corev1.Container, containers []corev1.Container, status corev1.PodStatus) {
		t.Helper()
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.PodSpec{NodeName: node, InitContainers: init, Containers: containers}}
		p, err := cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
		must(p, err)
		p.Status = status
		must(cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}))
	}
	running := corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}}}
	// web-1: an init container larger than its two containers together,
	// so its effective request is the init container's (2 cores, 1 GiB),
	// its limits the containers' sum (1.2 cores, 1.25 GiB).
	pod("shop", "web-1", "mini-1", []corev1.Container{container("migrate", "2", "1Gi", "", "")},
		[]corev1.Container{container("app", "500m", "512Mi", "1", "1Gi"), container("proxy", "100m", "128Mi", "200m", "256Mi")}, running)
	pod("shop", "web-2", "mini-2", nil, []corev1.Container{container("app", "1", "2Gi", "2", "4Gi")}, running)
	// done-1 finished: it holds nothing.
	pod("shop", "done-1", "mini-2", nil, []corev1.Container{container("job", "3", "3Gi", "", "")}, corev1.PodStatus{Phase: corev1.PodSucceeded})
	// db-0 was OOM-killed an hour ago and runs again.
	oom := running
	oom.ContainerStatuses = []corev1.ContainerStatus{{Name: "postgres", Image: "postgres:16", Ready: true, RestartCount: 1,
		State:                corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137, FinishedAt: metav1.NewTime(now.Add(-time.Hour))}}}}
	pod("data", "db-0", "mini-3", nil, []corev1.Container{container("postgres", "4", "16Gi", "4", "16Gi")}, oom)
	// batch-1 was evicted from mini-1: counted as pressure, not as requests.
	pod("data", "batch-1", "mini-1", nil, []corev1.Container{container("batch", "2", "8Gi", "", "")}, corev1.PodStatus{
		Phase: corev1.PodFailed, Reason: "Evicted", Message: "The node was low on resource: memory.",
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: now}}})
	// pending-1 fits on no node: unscheduled, with the scheduler's event.
	pod("data", "pending-1", "", nil, []corev1.Container{container("train", "16", "4Gi", "", "")}, corev1.PodStatus{Phase: corev1.PodPending})
	p, err := cs.CoreV1().Pods("data").Get(ctx, "pending-1", metav1.GetOptions{})
	must(p, err)
	must(cs.CoreV1().Events("data").Create(ctx, &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "pending-1.1", Namespace: "data"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "data", Name: "pending-1", UID: p.UID},
		Reason:         "FailedScheduling", Type: corev1.EventTypeWarning, Count: 3,
		Message:        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
		FirstTimestamp: metav1.NewTime(now.Add(-10 * time.Minute)), LastTimestamp: now,
		Source: corev1.EventSource{Component: "default-scheduler"},
	}, metav1.CreateOptions{}))
	// Last of the namespace's objects: with no quota controller running,
	// the quota's admission would refuse pods created after it.
	must(cs.CoreV1().ResourceQuotas("data").Create(ctx, &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "team", Namespace: "data"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("24"), corev1.ResourceRequestsMemory: resource.MustParse("32Gi")}}}, metav1.CreateOptions{}))

	must(cs.StorageV1().StorageClasses().Create(ctx, &storagev1.StorageClass{
		ObjectMeta:  metav1.ObjectMeta{Name: "ceph-block", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "rook-ceph.rbd.csi.ceph.com", Parameters: map[string]string{"pool": "replicapool", "clusterID": "rook-ceph"},
	}, metav1.CreateOptions{}))
	must(cs.StorageV1().StorageClasses().Create(ctx, &storagev1.StorageClass{
		ObjectMeta: metav1.ObjectMeta{Name: "local-path"}, Provisioner: "rancher.io/local-path"}, metav1.CreateOptions{}))
	claim := func(ns, name, class, size string) {
		must(cs.CoreV1().PersistentVolumeClaims(ns).Create(ctx, &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: &class, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}}},
		}, metav1.CreateOptions{}))
	}
	claim("data", "pgdata", "ceph-block", "100Gi")
	claim("data", "scratch", "local-path", "5Gi")
	claim("shop", "uploads", "ceph-block", "20Gi")

	rook(t, c)
}

// rook serves Rook's CephCluster resource (a CRD with the status
// subresource, as Rook's is) and creates one whose status carries the
// capacity Rook copies from Ceph: six 1 TB NVMe drives, 1.2 TB used.
func rook(t *testing.T, c *cluster) {
	t.Helper()
	ctx := t.Context()
	dyn, err := dynamic.NewForConfig(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{}
	if err := json.Unmarshal([]byte(`{
	  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
	  "metadata": {"name": "cephclusters.ceph.rook.io"},
	  "spec": {"group": "ceph.rook.io", "scope": "Namespaced",
	    "names": {"kind": "CephCluster", "listKind": "CephClusterList", "plural": "cephclusters", "singular": "cephcluster"},
	    "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
	      "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}`), &crd.Object); err != nil {
		t.Fatal(err)
	}
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	if _, err := dyn.Resource(crds).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cs := c.clientset(t)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "rook-ceph"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cephclusters := schema.GroupVersionResource{Group: "ceph.rook.io", Version: "v1", Resource: "cephclusters"}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "ceph.rook.io/v1", "kind": "CephCluster",
		"metadata": map[string]any{"name": "rook-ceph", "namespace": "rook-ceph"},
		"spec":     map[string]any{"dataDirHostPath": "/var/lib/rook"},
	}}
	// A new CRD is served a moment after it is created.
	var created *unstructured.Unstructured
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if created, err = dyn.Resource(cephclusters).Namespace("rook-ceph").Create(ctx, obj, metav1.CreateOptions{}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CephCluster: %v", err)
		}
	}
	created.Object["status"] = map[string]any{"phase": "Ready", "ceph": map[string]any{"health": "HEALTH_OK",
		"capacity": map[string]any{"bytesTotal": int64(6e12), "bytesUsed": int64(1.2e12), "bytesAvailable": int64(4.8e12),
			"lastUpdated": time.Now().UTC().Format(time.RFC3339)}}}
	if _, err := dyn.Resource(cephclusters).Namespace("rook-ceph").UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestAgainstAPIServer installs the chart's objects into a real API
// server, builds the homelab there, and takes capplan's snapshot with the
// chart's ServiceAccount: every figure against what was created, and
// every write that account might try refused.
func TestAgainstAPIServer(t *testing.T) {
	c := startCluster(t)
	// The report repository: git's own HTTP backend behind the token
	// that the Secret the chart mounts holds.
	servertest.NeedGit(t)
	const gitToken = "e2e-git-t0ken"
	bare := servertest.BareRepo(t)
	git := servertest.GitHTTP(t, filepath.Dir(bare), "capplan", gitToken)
	vals := map[string]any{
		"config":      map[string]any{"git": map[string]any{"url": git.URL + "/" + filepath.Base(bare)}, "cluster_name": "homelab"},
		"credentials": map[string]any{"git": map[string]any{"existingSecret": "capplan-git"}},
	}
	warned := install(t, c, vals)
	for _, w := range warned {
		t.Errorf("the API server warned on installing the chart: %s", w)
	}
	homelab(t, c)

	cs := c.clientset(t)
	sa := token(t, cs, installNS, "capplan")
	kubeconfig := c.kubeconfig(t, "homelab", sa)

	t.Run("the CronJob's pod, run by hand", func(t *testing.T) {
		if _, err := cs.CoreV1().Secrets(installNS).Create(t.Context(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "capplan-git"},
			StringData: map[string]string{"token": gitToken}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		code, out := runPod(t, c, sa)
		// No history source: the report is published and says it plans
		// nothing (exit 3).
		if code != 3 {
			t.Fatalf("exit %d, want 3 (published, nothing planned):\n%s", code, out)
		}
		files := servertest.RepoTree(t, bare)
		day := time.Now().UTC().Format("2006/2006-01-02")
		for _, want := range []string{"reports/" + day + "/report.md", "reports/" + day + "/report.json", "history.json", "README.md"} {
			if !slices.Contains(files, want) {
				t.Errorf("the report repository lacks %s: %v", want, files)
			}
		}
		// The report is of this cluster, read with the ServiceAccount.
		if md := servertest.Git(t, bare, "show", "main:reports/"+day+"/report.md"); !strings.Contains(md, "Cluster: 4 nodes") {
			t.Errorf("the published report.md does not describe the cluster:\n%s", md)
		}
		if strings.Contains(out, gitToken) {
			t.Error("the run's output holds the Git token")
		}
	})

	t.Run("snapshot", func(t *testing.T) {
		cfg := config.Default()
		cfg.Kubeconfig, cfg.RookToolbox = kubeconfig, false
		snap, _, err := job.Snapshot(t.Context(), cfg, time.Now())
		if err != nil {
			t.Errorf("snapshot: %v", err)
		}
		checkSnapshot(t, snap)
	})

	t.Run("least privilege", func(t *testing.T) {
		reader, err := kubernetes.NewForConfig(&rest.Config{Host: c.URL, BearerToken: sa, TLSClientConfig: rest.TLSClientConfig{Insecure: true}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		for what, err := range map[string]error{
			"create a pod": func() error {
				_, err := reader.CoreV1().Pods("shop").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "x"},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "x"}}}}, metav1.CreateOptions{})
				return err
			}(),
			"patch a node": func() error {
				_, err := reader.CoreV1().Nodes().Patch(ctx, "mini-1", types.MergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{})
				return err
			}(),
			"read a secret": func() error {
				_, err := reader.CoreV1().Secrets(installNS).List(ctx, metav1.ListOptions{})
				return err
			}(),
			"exec in a pod":  reader.CoreV1().RESTClient().Post().Namespace("rook-ceph").Resource("pods").Name("tools").SubResource("exec").Do(ctx).Error(),
			"delete a claim": reader.CoreV1().PersistentVolumeClaims("data").Delete(ctx, "pgdata", metav1.DeleteOptions{}),
			"grant itself a role": func() error {
				_, err := reader.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "x"},
					RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"}}, metav1.CreateOptions{})
				return err
			}(),
		} {
			if !apierrors.IsForbidden(err) {
				t.Errorf("%s with capplan's token: %v, want 403 Forbidden", what, err)
			}
		}
	})

	t.Run("claims by storage class", func(t *testing.T) {
		// 60 days of claims in both classes, and ceph df naming the pool
		// the ceph-block class says it uses: the Ceph class's claims are
		// planned against the raw space that pool draws on, the
		// local-path class's listed apart.
		csv := "series,timestamp,value\n"
		today := time.Now().UTC().Truncate(24 * time.Hour)
		for d := 60; d >= 1; d-- {
			day := today.AddDate(0, 0, -d).Format(time.RFC3339)
			csv += fmt.Sprintf("volumes/ceph-block/requested,%s,%d\nvolumes/local-path/requested,%s,%d\n", day, int64(100+60-d)*gi, day, 5*gi)
		}
		history := filepath.Join(t.TempDir(), "history.csv")
		if err := os.WriteFile(history, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		cfg.Kubeconfig, cfg.RookToolbox, cfg.Ollama.Enabled = kubeconfig, false, false
		cfg.HistoryCSV, cfg.CephDF = history, "testdata/ceph-df.json"
		res, err := job.Run(t.Context(), cfg, time.Now(), true, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var block *report.Resource
		for i := range res.Report.Resources {
			if r := &res.Report.Resources[i]; r.Name == "volumes/ceph-block/requested" {
				block = r
			} else if strings.HasPrefix(r.Name, "volumes/") {
				t.Errorf("%s planned: only the Ceph class's claims have a capacity behind them", r.Name)
			}
		}
		// 6 TB raw through replicapool's 3 copies (stored_raw / stored).
		if block == nil || block.Capacity != 2e12 {
			t.Fatalf("ceph-block claims: %+v, want planned against 6 TB raw over 3 copies", block)
		}
		var notes []string
		for _, n := range res.Report.Notes {
			notes = append(notes, n.Message)
		}
		if !slices.Contains(notes, "volumes/local-path/requested: storage class local-path is backed by no Ceph pool of the snapshot, not projected") {
			t.Errorf("the local-path claims are not listed apart: %q", notes)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		cfg := config.Default()
		cfg.Kubeconfig, cfg.RookToolbox, cfg.Ollama.Enabled = kubeconfig, false, false
		out := t.TempDir()
		// No history source: the cluster's snapshot alone plans nothing,
		// and the run says so rather than succeed.
		res, err := job.Run(t.Context(), cfg, time.Now(), true, out, nil)
		if !errors.Is(err, job.ErrNothingPlanned) {
			t.Fatalf("error %v, want ErrNothingPlanned", err)
		}
		r := res.Report
		if r.Cluster != "homelab" {
			t.Errorf("cluster %q, want homelab (the kubeconfig's context)", r.Cluster)
		}
		// The cordoned mini-4 is not capacity; the unscheduled pod is in
		// the requests and said to be; namespaces carry their limits.
		sum := r.Summary
		if sum.Nodes != 4 || sum.Allocatable.CPUCores != 34.5 || sum.Allocatable.MemoryBytes != 186*gi || !slices.Equal(sum.NotCapacity, []string{"mini-4"}) {
			t.Errorf("summary: %d nodes, allocatable %+v, not capacity %v; want 4, 34.5 cores and 186 GiB, [mini-4]", sum.Nodes, sum.Allocatable, sum.NotCapacity)
		}
		if u := sum.Unscheduled; u == nil || u.Pods != 1 || u.Requests.CPUCores != 16 || u.Requests.MemoryBytes != 4*gi || sum.Requests.CPUCores != 23 {
			t.Errorf("summary: requests %+v, unscheduled %+v; want 23 cores of which 16 by 1 pod on no node", sum.Requests, u)
		}
		limits := map[string][2]float64{"shop": {3.2, float64(5*gi + gi/4)}, "data": {4, float64(16 * gi)}}
		for _, ns := range sum.Namespaces {
			if w := limits[ns.Name]; !near(ns.Limits.CPUCores, w[0]) || float64(ns.Limits.MemoryBytes) != w[1] {
				t.Errorf("namespace %s: limits %+v, want %v cores and %v bytes", ns.Name, ns.Limits, w[0], w[1])
			}
		}
		// Losing a node is asked of the 7 cores that run, not of the pod
		// that runs nowhere.
		if n := r.NPlusOne; n == nil || n.LostNode == "mini-4" || n.CPU.Requests != 7 || n.CPU.Remaining != 23 {
			t.Errorf("N+1 %+v: want a node that takes pods lost, 7 cores requested, 23 left", n)
		}
		// Rook's status has no pools: the replication is an assumption,
		// and said to be.
		if c := r.NPlusOne.Ceph; c == nil || !c.ReplicationAssumed || !strings.Contains(c.Message, "3 copies (assumed") {
			t.Errorf("N+1 Ceph %+v: want the 3 copies said to be assumed", c)
		}
		md, err := os.ReadFile(filepath.Join(out, "report.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"This report is incomplete", "no resource could be planned", "4 nodes, 34.50 cores and 186.0 GiB allocatable (not counting mini-4: NotReady, cordoned or tainted NoSchedule)",
			"23.00 cores and 23.0 GiB requested, of which 16.00 cores and 4.0 GiB by 1 pod(s) on no node yet"} {
			if !strings.Contains(string(md), want) {
				t.Errorf("report.md does not say %q", want)
			}
		}
		for _, f := range []string{"report.md", "report.json"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
	})

	// Last: it adds a pod. Rook's toolbox is there, but ceph df cannot be
	// run in it: the chart's account may not exec (toolboxExec is off),
	// and an admin's exec finds no kubelet to reach. Either way a note
	// says what failed, Ceph's capacity comes from Rook's status, and the
	// snapshot is no failure.
	t.Run("the toolbox's exec failing", func(t *testing.T) {
		ctx := t.Context()
		// Before it, no toolbox at all: a note says where it was looked
		// for, and Ceph comes from Rook's status.
		cfg := config.Default()
		cfg.Kubeconfig = c.kubeconfig(t, "homelab", adminToken)
		snap, _, err := job.Snapshot(ctx, cfg, time.Now())
		if err != nil {
			t.Errorf("no toolbox: the snapshot failed: %v", err)
		}
		if !slices.ContainsFunc(snap.Notes, func(n collectors.Note) bool {
			return n.Source == "rook toolbox" && strings.Contains(n.Message, "no running pod labelled app=rook-ceph-tools in namespace rook-ceph")
		}) || snap.Sources["ceph"] != "Rook CephCluster status" {
			t.Errorf("no toolbox: notes %+v, Ceph from %q; want the toolbox's absence said and Rook's status used", snap.Notes, snap.Sources["ceph"])
		}
		tools := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "rook-ceph", Name: "rook-ceph-tools-1", Labels: map[string]string{"app": "rook-ceph-tools"}},
			Spec: corev1.PodSpec{NodeName: "mini-1", Containers: []corev1.Container{container("rook-ceph-tools", "", "", "", "")}}}
		admin := c.clientset(t)
		tools, err = admin.CoreV1().Pods("rook-ceph").Create(ctx, tools, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tools.Status = corev1.PodStatus{Phase: corev1.PodRunning}
		if _, err := admin.CoreV1().Pods("rook-ceph").UpdateStatus(ctx, tools, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		for who, kc := range map[string]string{"the chart's account": kubeconfig, "an admin": c.kubeconfig(t, "homelab", adminToken)} {
			cfg := config.Default()
			cfg.Kubeconfig = kc
			snap, _, err := job.Snapshot(ctx, cfg, time.Now())
			if err != nil {
				t.Errorf("%s: the snapshot failed: %v", who, err)
			}
			var said string
			for _, n := range snap.Notes {
				if n.Source == "rook toolbox" {
					said = n.Message
				}
			}
			if !strings.Contains(said, "ceph df in rook-ceph/rook-ceph-tools-1") || snap.Sources["ceph"] != "Rook CephCluster status" {
				t.Errorf("%s: toolbox note %q, Ceph from %q; want the exec's failure said and Rook's status used", who, said, snap.Sources["ceph"])
			}
		}
	})
}

// runPod runs the installed CronJob's container as the kubelet would:
// the binary, built as the image builds it, with the container's
// arguments; the ConfigMap and the Secret's items written where the pod
// mounts them (under a directory standing for the container's root, the
// paths in the configuration moved along); writable emptyDirs; and the
// ServiceAccount's token. The kubelet projects the token at a fixed path
// that client-go's in-cluster configuration reads; here it is given in a
// kubeconfig instead, the one other way capplan finds a cluster without a
// setting.
func runPod(t *testing.T, c *cluster, saToken string) (int, string) {
	t.Helper()
	cs := c.clientset(t)
	ctx := t.Context()
	cj, err := cs.BatchV1().CronJobs(installNS).Get(ctx, "capplan", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	container := pod.Containers[0]
	root := t.TempDir()
	mounts := map[string]string{}
	var moved []string
	for _, m := range container.VolumeMounts {
		mounts[m.Name] = m.MountPath
		moved = append(moved, m.MountPath, filepath.Join(root, m.MountPath))
	}
	move := strings.NewReplacer(moved...)
	write := func(path, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range pod.Volumes {
		dir := filepath.Join(root, mounts[v.Name])
		switch {
		case v.ConfigMap != nil:
			cm, err := cs.CoreV1().ConfigMaps(installNS).Get(ctx, v.ConfigMap.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for k, data := range cm.Data {
				write(filepath.Join(dir, k), move.Replace(data))
			}
		case v.Secret != nil:
			sec, err := cs.CoreV1().Secrets(installNS).Get(ctx, v.Secret.SecretName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range v.Secret.Items {
				data, ok := sec.Data[it.Key]
				if !ok {
					t.Fatalf("secret %s has no key %s: the kubelet would not start the pod", sec.Name, it.Key)
				}
				write(filepath.Join(dir, it.Path), string(data))
			}
		case v.EmptyDir != nil:
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("volume %s: a kind this test does not mount", v.Name)
		}
	}
	bin := filepath.Join(t.TempDir(), "capplan")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "../../cmd/capplan")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	args := container.Args
	for i := range args {
		args[i] = move.Replace(args[i])
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"KUBECONFIG=" + c.kubeconfig(t, "homelab", saToken), "HOME=" + t.TempDir(), "TMPDIR=" + filepath.Join(root, "tmp")}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

func checkSnapshot(t *testing.T, snap collectors.Snapshot) {
	t.Helper()
	type want struct {
		reqCPU, limCPU float64
		reqMem, limMem int64
	}
	nodes := map[string]want{
		"mini-1": {2, 1.2, 1 * gi, gi + gi/4}, // web-1 (batch-1 was evicted)
		"mini-2": {1, 2, 2 * gi, 4 * gi},      // web-2 (done-1 finished)
		"mini-3": {4, 4, 16 * gi, 16 * gi},    // db-0
		"mini-4": {0, 0, 0, 0},
	}
	if len(snap.Nodes) != len(nodes) {
		t.Fatalf("%d nodes, want %d", len(snap.Nodes), len(nodes))
	}
	for _, n := range snap.Nodes {
		w, ok := nodes[n.Name]
		switch {
		case !ok:
			t.Errorf("node %s was not created", n.Name)
		case !n.Ready || n.Schedulable != (n.Name != "mini-4") || n.InstanceType != "mini-pc":
			t.Errorf("%s: ready %v, schedulable %v, instance type %q", n.Name, n.Ready, n.Schedulable, n.InstanceType)
		case n.Allocatable.CPUCores != 11.5 || n.Allocatable.MemoryBytes != 62*gi || n.Capacity.CPUCores != 12 || n.Capacity.MemoryBytes != 64*gi:
			t.Errorf("%s: allocatable %+v, capacity %+v", n.Name, n.Allocatable, n.Capacity)
		case !near(n.Requests.CPUCores, w.reqCPU) || n.Requests.MemoryBytes != w.reqMem || !near(n.Limits.CPUCores, w.limCPU) || n.Limits.MemoryBytes != w.limMem:
			t.Errorf("%s: requests %+v, limits %+v, want %+v", n.Name, n.Requests, n.Limits, w)
		case n.Usage != nil:
			t.Errorf("%s: usage %+v without a metrics API", n.Name, n.Usage)
		}
	}
	namespaces := map[string]struct {
		pods   int
		cpu    float64
		memory int64
	}{
		"shop": {2, 3, 3 * gi},   // web-1, web-2
		"data": {2, 20, 20 * gi}, // db-0 and the unscheduled pending-1
	}
	for _, ns := range snap.Namespaces {
		w := namespaces[ns.Name]
		if ns.Pods != w.pods || !near(ns.Requests.CPUCores, w.cpu) || ns.Requests.MemoryBytes != w.memory {
			t.Errorf("namespace %s: %d pods requesting %+v, want %+v", ns.Name, ns.Pods, ns.Requests, w)
		}
		// data's ResourceQuota, read through the chart's ClusterRole.
		if q := ns.Quota; (ns.Name == "data") != (q != nil) || (q != nil && (q.CPUCores != 24 || q.MemoryBytes != 32*gi)) {
			t.Errorf("namespace %s: quota %+v, want data's 24 cores and 32 GiB", ns.Name, q)
		}
		delete(namespaces, ns.Name)
	}
	if len(namespaces) > 0 {
		t.Errorf("namespaces missing: %v", namespaces)
	}
	claims := map[string]int64{"data/ceph-block": 100 * gi, "data/local-path": 5 * gi, "shop/ceph-block": 20 * gi}
	for _, v := range snap.Volumes {
		key := v.Namespace + "/" + v.StorageClass
		// No provisioner runs: every claim is pending.
		if v.Claims != 1 || v.Pending != 1 || v.RequestedBytes != claims[key] {
			t.Errorf("claims %s: %d (%d pending) of %d bytes, want 1 pending of %d", key, v.Claims, v.Pending, v.RequestedBytes, claims[key])
		}
		delete(claims, key)
	}
	if len(claims) > 0 {
		t.Errorf("claims missing: %v", claims)
	}
	classes := map[string]collectors.StorageClass{}
	for _, sc := range snap.StorageClasses {
		classes[sc.Name] = sc
	}
	if sc := classes["ceph-block"]; sc.Pool != "replicapool" || !sc.Default || classes["local-path"].Pool != "" || len(classes) != 2 {
		t.Errorf("storage classes %+v", snap.StorageClasses)
	}
	pressure := map[string]collectors.Pressure{}
	for _, p := range snap.Pressure {
		pressure[p.Namespace] = p
	}
	if p := pressure["data"]; p.OOMKilled != 1 || p.Evicted != 1 || p.FailedScheduling != 1 || len(pressure) != 1 {
		t.Errorf("pressure %+v, want data: 1 OOM kill, 1 eviction, 1 failed scheduling", snap.Pressure)
	}
	if cp := snap.Ceph; cp == nil || cp.TotalBytes != 6e12 || cp.UsedBytes != 1.2e12 || cp.AvailBytes != 4.8e12 {
		t.Errorf("ceph %+v, want 6 TB raw, 1.2 TB used, 4.8 TB available", snap.Ceph)
	} else if src := snap.Sources["ceph"]; !strings.Contains(src, "CephCluster") {
		t.Errorf("ceph's source %q", src)
	}
	var notes []string
	for _, n := range snap.Notes {
		notes = append(notes, n.Source+": "+n.Message)
	}
	for _, want := range []string{"not yet on a node", "metrics", "3 volume claim(s) pending"} {
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, want) }) {
			t.Errorf("no note says %q: %s", want, strings.Join(notes, "; "))
		}
	}
}

func near(a, b float64) bool { return fmt.Sprintf("%.6f", a) == fmt.Sprintf("%.6f", b) }
