// Package charts holds the tests of the Helm chart in capplan/: rendered
// with Helm's own library, every object decoded strictly into its
// Kubernetes type, and the configuration it renders loaded by the binary's
// own loader, so that chart and binary cannot drift.
package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/test/servertest"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

const namespace = "capacity"

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := loader.Load("capplan")
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// render renders the chart as `helm install capplan --namespace capacity`
// would, with the values of file (or vals when file is empty), against
// Kubernetes 1.34; the error is the schema's or a template's.
func render(t *testing.T, file string, vals map[string]any) (map[string]string, error) {
	t.Helper()
	ch := loadChart(t)
	if file != "" {
		v, err := chartutil.ReadValuesFile(filepath.Join("testdata", "values", file))
		if err != nil {
			t.Fatal(err)
		}
		vals = v
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = chartutil.KubeVersion{Version: "v1.34.0", Major: "1", Minor: "34"}
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "capplan", Namespace: namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return nil, err
	}
	return engine.Render(ch, rv)
}

// objects are one rendering's objects, each decoded strictly (an unknown
// field fails) into its type.
type objects struct {
	serviceAccounts []corev1.ServiceAccount
	configMaps      []corev1.ConfigMap
	dashboards      []corev1.ConfigMap // the Grafana dashboard's
	clusterRoles    []rbacv1.ClusterRole
	clusterBindings []rbacv1.ClusterRoleBinding
	roles           []rbacv1.Role
	roleBindings    []rbacv1.RoleBinding
	cronJobs        []batchv1.CronJob
	rules           []prometheusRule
	notes           string
	all             []string // every object's YAML
}

// prometheusRule is prometheus-operator's monitoring.coreos.com/v1
// PrometheusRule, as much of it as the chart writes.
type prometheusRule struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            struct {
		Groups []ruleGroup `json:"groups"`
	} `json:"spec"`
}

type ruleGroup struct {
	Name  string `json:"name"`
	Rules []struct {
		Alert       string            `json:"alert"`
		Expr        string            `json:"expr"`
		For         string            `json:"for,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"rules"`
}

func decode(t *testing.T, manifests map[string]string) objects {
	t.Helper()
	var o objects
	names := slices.Sorted(maps.Keys(manifests))
	for _, name := range names {
		text := manifests[name]
		if strings.HasSuffix(name, "NOTES.txt") {
			o.notes = text
			continue
		}
		for _, doc := range strings.Split(text, "\n---") {
			var meta metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, doc)
			}
			if meta.Kind == "" {
				if strings.TrimSpace(stripComments(doc)) != "" {
					t.Errorf("%s: an object without a kind:\n%s", name, doc)
				}
				continue
			}
			o.all = append(o.all, doc)
			var into any
			switch meta.Kind {
			case "ServiceAccount":
				into = grow(&o.serviceAccounts)
			case "ConfigMap":
				into = grow(&o.configMaps)
			case "ClusterRole":
				into = grow(&o.clusterRoles)
			case "ClusterRoleBinding":
				into = grow(&o.clusterBindings)
			case "Role":
				into = grow(&o.roles)
			case "RoleBinding":
				into = grow(&o.roleBindings)
			case "CronJob":
				into = grow(&o.cronJobs)
			case "PrometheusRule":
				into = grow(&o.rules)
			default:
				t.Errorf("%s: an object of kind %s, which the chart should not make", name, meta.Kind)
				continue
			}
			if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
				t.Errorf("%s: %s: %v", name, meta.Kind, err)
			}
		}
	}
	// The dashboard's ConfigMap apart from the run's configuration.
	o.configMaps = slices.DeleteFunc(o.configMaps, func(cm corev1.ConfigMap) bool {
		if _, ok := cm.Data["capplan.json"]; ok {
			o.dashboards = append(o.dashboards, cm)
			return true
		}
		return false
	})
	return o
}

// grow appends a zero T to list and returns where it is, to decode into.
func grow[T any](list *[]T) *T {
	*list = append(*list, *new(T))
	return &(*list)[len(*list)-1]
}

func stripComments(doc string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// The ClusterRole grants reading exactly what the snapshot reads.
var wantClusterRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"nodes", "pods", "persistentvolumeclaims", "events", "namespaces", "resourcequotas"}, Verbs: []string{"get", "list"}},
	{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses"}, Verbs: []string{"get", "list"}},
	{APIGroups: []string{"metrics.k8s.io"}, Resources: []string{"nodes", "pods"}, Verbs: []string{"get", "list"}},
	{APIGroups: []string{"ceph.rook.io"}, Resources: []string{"cephclusters"}, Verbs: []string{"get", "list"}},
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		file                 string
		schedule, timeZone   string
		toolbox, alerts      bool
		serviceAccount, rook string
		image                string
	}{
		{"minimal.yaml", "0 9 * * 1", "", false, false, "capplan", "rook-ceph", "ghcr.io/capplan/capplan:" + appVersion(t)},
		{"ssh.yaml", "0 9 * * 1", "Europe/Paris", false, false, "capplan", "rook-ceph", "ghcr.io/capplan/capplan:" + appVersion(t)},
		{"full.yaml", "30 6 * * 1", "America/New_York", true, true, "capacity-planner", "storage", "registry.example.org/capplan:v1.2.3"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			manifests, err := render(t, tc.file, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := decode(t, manifests)
			if len(o.cronJobs) != 1 || len(o.configMaps) != 1 || len(o.serviceAccounts) != 1 ||
				len(o.clusterRoles) != 1 || len(o.clusterBindings) != 1 {
				t.Fatalf("objects: %d CronJobs, %d ConfigMaps, %d ServiceAccounts, %d ClusterRoles, %d ClusterRoleBindings; want one each",
					len(o.cronJobs), len(o.configMaps), len(o.serviceAccounts), len(o.clusterRoles), len(o.clusterBindings))
			}
			cj := o.cronJobs[0]
			checkCronJob(t, cj, tc.schedule, tc.timeZone, tc.image)
			if sa := cj.Spec.JobTemplate.Spec.Template.Spec.ServiceAccountName; sa != tc.serviceAccount || o.serviceAccounts[0].Name != sa {
				t.Errorf("pod's ServiceAccount %q, the chart's %q, want %q", sa, o.serviceAccounts[0].Name, tc.serviceAccount)
			}

			if got := o.clusterRoles[0].Rules; !reflect.DeepEqual(got, wantClusterRules) {
				t.Errorf("ClusterRole rules:\n%+v\nwant\n%+v", got, wantClusterRules)
			}
			b := o.clusterBindings[0]
			if b.RoleRef.Name != o.clusterRoles[0].Name || len(b.Subjects) != 1 || b.Subjects[0].Name != tc.serviceAccount || b.Subjects[0].Namespace != namespace {
				t.Errorf("ClusterRoleBinding %+v does not bind the ClusterRole to the ServiceAccount", b)
			}
			switch {
			case tc.toolbox && (len(o.roles) != 1 || len(o.roleBindings) != 1):
				t.Errorf("toolboxExec: %d Roles, %d RoleBindings, want one each", len(o.roles), len(o.roleBindings))
			case tc.toolbox:
				want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}}}
				if r := o.roles[0]; r.Namespace != tc.rook || !reflect.DeepEqual(r.Rules, want) {
					t.Errorf("toolbox Role in %q with %+v, want in %q with %+v", r.Namespace, r.Rules, tc.rook, want)
				}
				if rb := o.roleBindings[0]; rb.Namespace != tc.rook || rb.RoleRef.Name != o.roles[0].Name || rb.Subjects[0].Name != tc.serviceAccount {
					t.Errorf("toolbox RoleBinding %+v", rb)
				}
			case len(o.roles)+len(o.roleBindings) != 0:
				t.Errorf("without toolboxExec: %d Roles and %d RoleBindings, want none (no pods/exec)", len(o.roles), len(o.roleBindings))
			}

			if (len(o.rules) == 1) != tc.alerts {
				t.Errorf("%d PrometheusRules, want alerts %v", len(o.rules), tc.alerts)
			}
			for _, r := range o.rules {
				checkRules(t, r, 7, "rules_test.yaml")
			}
			if !strings.Contains(o.notes, "kubectl -n "+namespace+" create job --from=cronjob/"+cj.Name) {
				t.Errorf("NOTES.txt does not say how to run it now:\n%s", o.notes)
			}
			checkNoSecrets(t, o)
		})
	}
}

func appVersion(t *testing.T) string {
	return loadChart(t).Metadata.AppVersion
}

func checkCronJob(t *testing.T, cj batchv1.CronJob, schedule, timeZone, image string) {
	t.Helper()
	s := cj.Spec
	if s.Schedule != schedule {
		t.Errorf("schedule %q, want %q", s.Schedule, schedule)
	}
	if got := ""; s.TimeZone != nil {
		got = *s.TimeZone
		if got != timeZone {
			t.Errorf("timeZone %q, want %q", got, timeZone)
		}
	} else if timeZone != "" {
		t.Errorf("no timeZone, want %q", timeZone)
	}
	if s.ConcurrencyPolicy != batchv1.ForbidConcurrent {
		t.Errorf("concurrencyPolicy %q, want Forbid", s.ConcurrencyPolicy)
	}
	if s.StartingDeadlineSeconds == nil || s.SuccessfulJobsHistoryLimit == nil || s.FailedJobsHistoryLimit == nil {
		t.Error("startingDeadlineSeconds and the history limits must be set")
	}
	js := s.JobTemplate.Spec
	if js.BackoffLimit == nil || js.ActiveDeadlineSeconds == nil {
		t.Error("backoffLimit and activeDeadlineSeconds must be set")
	}
	pod := js.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never", pod.RestartPolicy)
	}
	// The pod as the API server's PodSecurity admission judges it, at the
	// restricted level of the newest policy.
	checks, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := psa.LevelVersion{Level: psa.LevelRestricted, Version: psa.LatestVersion()}
	if r := policy.AggregateCheckResults(checks.EvaluatePod(lv, &js.Template.ObjectMeta, &pod)); !r.Allowed {
		t.Errorf("Pod Security restricted forbids the pod: %s", r.ForbiddenDetail())
	}
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and seccompProfile RuntimeDefault", psc)
	}
	if len(pod.Containers) != 1 || len(pod.InitContainers) != 0 {
		t.Fatalf("%d containers, %d init containers: want one container", len(pod.Containers), len(pod.InitContainers))
	}
	c := pod.Containers[0]
	if c.Image != image {
		t.Errorf("image %q, want %q", c.Image, image)
	}
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatal("the container has no securityContext")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("allowPrivilegeEscalation must be false")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("readOnlyRootFilesystem must be true")
	case sc.Capabilities == nil || !reflect.DeepEqual(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0:
		t.Errorf("capabilities %+v: want drop ALL, add none", sc.Capabilities)
	case sc.Privileged != nil && *sc.Privileged:
		t.Error("privileged")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v: want CPU and memory requests and a memory limit", c.Resources)
	}
	if !slices.Equal(c.Args, []string{"run", "--config", "/etc/capplan/config/config.yaml"}) {
		t.Errorf("args %q", c.Args)
	}
	if len(c.Env) != 0 || len(c.EnvFrom) != 0 {
		t.Errorf("environment %+v %+v: the run takes everything from the config file and mounted files", c.Env, c.EnvFrom)
	}
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m
	}
	work, ok := mounts["work"]
	if !ok || work.MountPath != "/work" || work.ReadOnly {
		t.Errorf("work directory mount %+v, want /work, writable", work)
	}
	for _, v := range pod.Volumes {
		if _, ok := mounts[v.Name]; !ok {
			t.Errorf("volume %s is not mounted", v.Name)
		}
		switch {
		case v.Name == "work" && (v.EmptyDir == nil || v.EmptyDir.SizeLimit == nil):
			t.Errorf("work volume %+v, want an emptyDir with a size limit", v.VolumeSource)
		case v.HostPath != nil:
			t.Errorf("volume %s is a hostPath", v.Name)
		case v.Secret != nil && len(v.Secret.Items) == 0:
			t.Errorf("secret volume %s mounts every key; want only the run's", v.Name)
		}
	}
}

// checkRules runs the alert rules through promtool, as Prometheus would
// load them, and promtool's rule tests (testdata/TESTS) on them.
func checkRules(t *testing.T, r prometheusRule, want int, tests string) {
	t.Helper()
	n := 0
	for _, g := range r.Spec.Groups {
		n += len(g.Rules)
	}
	if n != want {
		t.Errorf("%d alert rules, want %d", n, want)
	}
	// The rules' PromQL is checked by Prometheus' own tool.
	promtool := servertest.Need(t, "promtool", "apt-get install prometheus")
	data, err := yaml.Marshal(map[string]any{"groups": r.Spec.Groups})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s\n%s", err, out, data)
	}
	spec, err := os.ReadFile(filepath.Join("testdata", tests))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, tests), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(promtool, "test", "rules", tests)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool test rules %s: %v\n%s", tests, err, out)
	}
}

// checkNoSecrets: the chart renders no Secret and no credential; the
// configuration names credentials only as files mounted from the
// Secrets the values name.
func checkNoSecrets(t *testing.T, o objects) {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(o.configMaps[0].Data["config.yaml"]), &cfg); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(strings.TrimPrefix(path+"."+k, "."), x)
			}
		case string:
			if strings.HasSuffix(path, "_file") && !strings.HasPrefix(v, "/etc/capplan/") {
				t.Errorf("config %s = %q: a credential setting that is not a mounted file", path, v)
			}
		}
	}
	walk("", cfg)
	for _, doc := range o.all {
		if strings.Contains(doc, "kind: Secret") {
			t.Errorf("the chart renders a Secret:\n%s", doc)
		}
	}
}

// TestSchemaRejects: values.schema.json refuses wrong types and unknown
// keys, at the top and inside capplan's configuration, and the templates
// refuse an install that could not publish.
func TestSchemaRejects(t *testing.T) {
	base := func() map[string]any {
		v, err := chartutil.ReadValuesFile("testdata/values/minimal.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name string
		set  string // YAML merged over minimal.yaml
		want string
	}{
		{"schedule of the wrong type", "schedule: 5", "schedule"},
		{"unknown top-level key", "schedul: '0 9 * * 1'", "schedul"},
		{"unknown config key", "config: {git: {url: https://x/r.git, token: ghp_x}}", "token"},
		{"token file set by hand", "config: {git: {url: https://x/r.git, token_file: /tmp/t}}", "token_file"},
		{"threshold above 1", "config: {thresholds: {cpu_average: 70}}", "cpu_average"},
		{"bad duration", "config: {timeouts: {plan: ten minutes}}", "plan"},
		{"password in the Prometheus URL", "config: {prometheus: {url: 'http://u:pw@prom:9090'}}", "url"},
		{"token in the Git URL", "config: {git: {url: 'https://ghp_x@github.com/o/r.git'}}", "url"},
		{"token in a query", "config: {pushgateway: {url: 'http://pg:9091/?api_key=x'}}", "url"},
		{"token in the dashboard's link", "grafanaDashboard: {enabled: true, reportURL: 'https://ghp_x@git.example.org/r'}", "reportURL"},
		{"unknown credential type", "credentials: {git: {type: password}}", "type"},
		{"wrong type of resources", "resources: {requests: {cpu: [1]}}", "cpu"},
		{"no repository", "config: {git: {url: ''}}", "config.git.url is required"},
		{"token without its Secret", "credentials: {git: {existingSecret: ''}}", "credentials.git.existingSecret is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var over map[string]any
			if err := yaml.Unmarshal([]byte(tc.set), &over); err != nil {
				t.Fatal(err)
			}
			vals := chartutil.CoalesceTables(over, base())
			_, err := render(t, "", vals)
			if err == nil {
				t.Fatalf("%s: rendered", tc.set)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %q does not name %q", tc.set, err, tc.want)
			}
		})
	}
}

// TestConfigLoads: the configuration each values file renders is loaded
// and validated by capplan's own loader, with the Secrets' files where
// the pod mounts them, and says what the values said.
func TestConfigLoads(t *testing.T) {
	for _, tc := range []struct {
		file  string
		check func(t *testing.T, c config.Config)
	}{
		{"minimal.yaml", func(t *testing.T, c config.Config) {
			if c.Git.URL != "https://git.example.org/infra/capacity-reports.git" || c.RookToolbox || c.Ollama.Enabled {
				t.Errorf("git.url %q, rook_toolbox %v, ollama.enabled %v", c.Git.URL, c.RookToolbox, c.Ollama.Enabled)
			}
		}},
		{"ssh.yaml", func(t *testing.T, c config.Config) {
			if c.ClusterName != "homelab" || c.Git.Branch != "reports" || c.Ollama.Model != "llama3.1:8b" || c.Ollama.Timeout != 10*time.Minute {
				t.Errorf("cluster %q, branch %q, model %q, timeout %s", c.ClusterName, c.Git.Branch, c.Ollama.Model, c.Ollama.Timeout)
			}
		}},
		{"full.yaml", func(t *testing.T, c config.Config) {
			if !c.RookToolbox || c.RookNamespace != "storage" || c.Thresholds.CPUAverage != 0.6 || c.Thresholds.CPUPeak != 0.85 ||
				len(c.Catalogue) != 2 || c.Pushgateway.Job != "capacity" || c.Timeouts.Plan != 20*time.Minute ||
				c.Prometheus.HistoryDays != 365 || c.Git.KeepDays != 730 || c.HistoryCSV != "/data/history.csv" {
				t.Errorf("loaded %+v", c)
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			manifests, err := render(t, tc.file, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := decode(t, manifests)
			c := loadRendered(t, o)
			tc.check(t, c)
		})
	}
}

// loadRendered writes the ConfigMap and stand-ins for the Secrets' files
// under a directory standing for the pod's /etc/capplan, and loads the
// configuration with capplan's loader.
func loadRendered(t *testing.T, o objects) config.Config {
	t.Helper()
	root := t.TempDir()
	local := func(p string) string { return filepath.Join(root, strings.TrimPrefix(p, "/etc/capplan/")) }
	write := func(path, data string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cm := o.configMaps[0]
	for name, data := range cm.Data {
		write(local("/etc/capplan/config/"+name), strings.ReplaceAll(data, "/etc/capplan/", root+"/"))
	}
	// The Secrets' and ConfigMaps' items, where the pod mounts them.
	pod := o.cronJobs[0].Spec.JobTemplate.Spec.Template.Spec
	mountOf := map[string]string{}
	for _, m := range pod.Containers[0].VolumeMounts {
		mountOf[m.Name] = m.MountPath
	}
	for _, v := range pod.Volumes {
		var items []corev1.KeyToPath
		switch {
		case v.Secret != nil:
			items = v.Secret.Items
		case v.ConfigMap != nil && v.ConfigMap.Name != cm.Name:
			items = v.ConfigMap.Items
		}
		for _, it := range items {
			content := "stand-in-" + it.Key
			if it.Path == "basic-auth" {
				content = "user:" + content
			}
			write(local(mountOf[v.Name]+"/"+it.Path), content)
		}
	}
	c, err := config.Load(local("/etc/capplan/config/config.yaml"), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatalf("capplan's loader refuses the chart's configuration: %v\n%s", err, cm.Data["config.yaml"])
	}
	return c
}

// configKeys are the YAML paths of every setting config.Config has.
func configKeys(t reflect.Type, prefix string, into map[string]bool) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			configKeys(f.Type, prefix, into)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		key := prefix + name
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
			configKeys(f.Type, key+".", into)
			continue
		}
		into[key] = true
	}
}

// schemaKeys are the leaf paths values.schema.json allows under config.
func schemaKeys(schema map[string]any, prefix string, into map[string]bool) {
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		p := p.(map[string]any)
		if _, nested := p["properties"]; nested {
			schemaKeys(p, prefix+name+".", into)
			continue
		}
		into[prefix+name] = true
	}
}

// TestEverySettingReachable: each of capplan's settings is either a key
// of values.config, allowed by the schema and taken by the loader, or
// set by the chart from another value, or meaningless in a cluster; and
// the schema allows nothing capplan does not know. The chart-set ones are
// checked in full.yaml's rendering.
func TestEverySettingReachable(t *testing.T) {
	byChart := map[string]string{
		"git.dir":                    "the work emptyDir (workDirSizeLimit)",
		"git.token_file":             "credentials.git (type token)",
		"git.ssh_key_file":           "credentials.git (type ssh)",
		"git.known_hosts_file":       "credentials.git (type ssh)",
		"prometheus.token_file":      "credentials.prometheus (type token)",
		"prometheus.basic_auth_file": "credentials.prometheus (type basic)",
		"prometheus.ca_file":         "credentials.prometheus.caConfigMap",
		"prometheus.queries_file":    "prometheusQueries",
		"template_dir":               "reportTemplate",
		"ollama.prompt_dir":          "promptTemplate",
		"rook_toolbox":               "ceph.toolboxExec",
	}
	// The pod reads the cluster it runs in, with its ServiceAccount.
	notInCluster := []string{"demo", "seed", "kubeconfig", "context"}

	keys := map[string]bool{}
	configKeys(reflect.TypeFor[config.Config](), "", keys)
	var schema map[string]any
	if err := json.Unmarshal(loadChart(t).Schema, &schema); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	schemaKeys(schema["properties"].(map[string]any)["config"].(map[string]any), "", allowed)

	for _, k := range slices.Sorted(maps.Keys(keys)) {
		_, chartSet := byChart[k]
		switch {
		case allowed[k] && chartSet:
			t.Errorf("%s is both a values.config key and set by the chart from %s", k, byChart[k])
		case allowed[k], chartSet, slices.Contains(notInCluster, k):
		default:
			t.Errorf("capplan's setting %s cannot be reached from values.yaml", k)
		}
	}
	for k := range allowed {
		if !keys[k] {
			t.Errorf("values.schema.json allows config.%s, which capplan does not know", k)
		}
	}
	// Every key of docs/job.md's example is one of capplan's.
	for _, k := range docKeys(t) {
		if !keys[k] {
			t.Errorf("docs/job.md shows %s, which is not a setting of capplan's", k)
		}
	}

	manifests, err := render(t, "full.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(decode(t, manifests).configMaps[0].Data["config.yaml"]), &cfg); err != nil {
		t.Fatal(err)
	}
	for k, from := range byChart {
		if strings.Contains(k, "ssh") || strings.Contains(k, "known_hosts") || strings.Contains(k, "basic_auth") {
			continue // the other branch of a credential type; ssh.yaml and the basic case below
		}
		if v := lookup(cfg, k); v == nil || v == "" {
			t.Errorf("full.yaml sets %s, but the rendered config has no %s", from, k)
		}
	}
	ssh, err := render(t, "ssh.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(decode(t, ssh).configMaps[0].Data["config.yaml"]), &cfg); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"git.ssh_key_file", "git.known_hosts_file"} {
		if lookup(cfg, k) == nil {
			t.Errorf("ssh.yaml: the rendered config has no %s", k)
		}
	}
}

// TestBasicAuth: basic auth for Prometheus reaches the loader as
// user:password from the mounted Secret.
func TestBasicAuth(t *testing.T) {
	vals, err := chartutil.ReadValuesFile("testdata/values/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vals = chartutil.CoalesceTables(map[string]any{"credentials": map[string]any{"prometheus": map[string]any{
		"existingSecret": "prom", "type": "basic"}}}, vals)
	manifests, err := render(t, "", vals)
	if err != nil {
		t.Fatal(err)
	}
	c := loadRendered(t, decode(t, manifests))
	if !strings.HasSuffix(c.Prometheus.BasicAuthFile, "prometheus/basic-auth") {
		t.Errorf("prometheus.basic_auth_file %q", c.Prometheus.BasicAuthFile)
	}
}

func lookup(m map[string]any, path string) any {
	var v any = m
	for part := range strings.SplitSeq(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[part]
	}
	return v
}

// docKeys are the leaf keys of docs/job.md's configuration example.
func docKeys(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../docs/job.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := bytes.Cut(doc, []byte("## Configuration"))
	if !ok {
		t.Fatal("docs/job.md has no Configuration section")
	}
	_, rest, _ = bytes.Cut(rest, []byte("```yaml\n"))
	block, _, _ := bytes.Cut(rest, []byte("```"))
	var m map[string]any
	if err := yaml.Unmarshal(block, &m); err != nil {
		t.Fatalf("docs/job.md's example: %v", err)
	}
	var keys []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		mm, ok := v.(map[string]any)
		if !ok {
			keys = append(keys, strings.TrimSuffix(prefix, "."))
			return
		}
		for k, x := range mm {
			walk(prefix+k+".", x)
		}
	}
	walk("", m)
	sort.Strings(keys)
	if len(keys) < 30 {
		t.Fatalf("docs/job.md's example has %d keys: %s", len(keys), fmt.Sprint(keys))
	}
	return keys
}

// TestValuesDocumented: every value in values.yaml has its own "# --"
// comment and a row in README.md's table.
func TestValuesDocumented(t *testing.T) {
	data, err := os.ReadFile("capplan/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("capplan/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	documented := false
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		text := strings.TrimSpace(line)
		switch {
		case text == "":
			documented = false
			continue
		case strings.HasPrefix(text, "# --"):
			documented = true
			continue
		case strings.HasPrefix(text, "#") || strings.HasPrefix(text, "- "):
			continue
		}
		key, value, ok := strings.Cut(text, ":")
		if !ok {
			continue
		}
		level := (len(line) - len(strings.TrimLeft(line, " "))) / 2
		path = append(path[:min(level, len(path))], key)
		if strings.TrimSpace(value) == "" {
			documented = false
			continue // a map whose keys are documented one by one
		}
		n++
		name := strings.Join(path, ".")
		if !documented {
			t.Errorf("values.yaml:%d: %s has no # -- comment", i+1, name)
		}
		if !bytes.Contains(readme, []byte("| `"+name+"` |")) {
			t.Errorf("README.md's table has no row for %s", name)
		}
		documented = false
	}
	if n < 50 {
		t.Fatalf("read %d values from values.yaml", n)
	}
}
