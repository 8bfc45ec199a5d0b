package ceph

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func toolboxPod(name string, phase corev1.PodPhase) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "rook-ceph", Name: name, Labels: map[string]string{"app": "rook-ceph-tools"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "rook-ceph-tools"}}},
		Status:     corev1.PodStatus{Phase: phase},
	}
}

func TestReadToolbox(t *testing.T) {
	df, err := os.ReadFile(filepath.Join("testdata", "quincy-plus-df-detail-hdd-nvme-classes.datadog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	exec := func(_ context.Context, ns, pod, container string, command []string) ([]byte, error) {
		ran = append(ran, ns+"/"+pod+"/"+container+": "+strings.Join(command, " "))
		return df, nil
	}
	client := fake.NewClientset(toolboxPod("tools-old", corev1.PodFailed), toolboxPod("tools", corev1.PodRunning))
	c, _, found, err := ReadToolbox(context.Background(), client, exec, "rook-ceph")
	if err != nil || !found {
		t.Fatalf("found %v, error %v", found, err)
	}
	if c.TotalBytes != 36439169433600 || len(c.Pools) != 14 {
		t.Errorf("total %d, %d pools", c.TotalBytes, len(c.Pools))
	}
	if want := []string{"rook-ceph/tools/rook-ceph-tools: ceph df --format json"}; !slices.Equal(ran, want) {
		t.Errorf("ran %v, want %v (only in the running pod)", ran, want)
	}

	if _, _, found, err := ReadToolbox(context.Background(), fake.NewClientset(), exec, "rook-ceph"); found || err != nil {
		t.Errorf("no toolbox: found %v, error %v; want neither", found, err)
	}
	failing := func(context.Context, string, string, string, []string) ([]byte, error) {
		return nil, errors.New("command terminated with exit code 1")
	}
	if _, _, _, err := ReadToolbox(context.Background(), client, failing, "rook-ceph"); err == nil || !strings.Contains(err.Error(), "ceph df in rook-ceph/tools") {
		t.Errorf("failing ceph: error %v, want one naming the pod", err)
	}
}
