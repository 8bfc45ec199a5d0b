package ceph

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"
)

func cephCluster(t *testing.T, fixture string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion("ceph.rook.io/v1")
	u.SetKind("CephCluster")
	u.SetNamespace("rook-ceph")
	u.SetName("rook-ceph")
	return u
}

func fakeDynamic(objects ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{CephClusters: "CephClusterList"}, objects...)
}

func TestReadRook(t *testing.T) {
	c, notes, found, err := ReadRook(context.Background(), fakeDynamic(cephCluster(t, "cephcluster-status-capacity.rook-pr6475.yaml")), "rook-ceph")
	if err != nil || !found {
		t.Fatalf("found %v, error %v", found, err)
	}
	if c.TotalBytes != 10733223936 || c.UsedBytes != 1076035584 || c.AvailBytes != 9657188352 {
		t.Errorf("capacity %+v", c)
	}
	if !hasNote(notes, "no pools") {
		t.Errorf("notes %v", notes)
	}

	// A CephCluster still coming up has no capacity yet.
	young := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "ceph.rook.io/v1", "kind": "CephCluster",
		"metadata": map[string]any{"namespace": "rook-ceph", "name": "new"}, "status": map[string]any{"phase": "Progressing"}}}
	_, notes, found, err = ReadRook(context.Background(), fakeDynamic(young), "")
	if err != nil || found || !hasNote(notes, "CephCluster rook-ceph/new: CephCluster has no status.ceph.capacity") {
		t.Errorf("young cluster: found %v, error %v, notes %v", found, err, notes)
	}

	// No Rook at all: the resource is not served.
	none := fakeDynamic()
	none.PrependReactor("list", "cephclusters", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(CephClusters.GroupResource(), "")
	})
	if _, _, found, err := ReadRook(context.Background(), none, ""); err != nil || found {
		t.Errorf("no Rook: found %v, error %v; want neither", found, err)
	}
}
