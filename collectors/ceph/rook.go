package ceph

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/capplan/capplan/collectors"
)

// CephClusters is the resource of Rook's CephCluster objects.
var CephClusters = schema.GroupVersionResource{Group: "ceph.rook.io", Version: "v1", Resource: "cephclusters"}

// ReadRook reads the raw capacity from the first CephCluster in namespace
// ("" for all) that reports one. found is false, with no error, when the
// cluster has no Rook (the resource is not served) or no CephCluster.
func ReadRook(ctx context.Context, client dynamic.Interface, namespace string) (c *collectors.Ceph, notes []collectors.Note, found bool, err error) {
	list, err := client.Resource(CephClusters).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		if isNotServed(err) {
			return nil, nil, false, nil
		}
		return nil, nil, false, fmt.Errorf("list CephClusters: %w", err)
	}
	var errs []string
	for _, item := range list.Items {
		data, err := json.Marshal(item.Object)
		if err != nil {
			return nil, nil, false, fmt.Errorf("CephCluster %s/%s: %w", item.GetNamespace(), item.GetName(), err)
		}
		name := fmt.Sprintf("CephCluster %s/%s", item.GetNamespace(), item.GetName())
		c, notes, err := ParseRookStatus(data, name)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		return c, notes, true, nil
	}
	for _, e := range errs {
		notes = append(notes, collectors.Note{Source: "rook", Message: e})
	}
	return nil, notes, false, nil
}

func isNotServed(err error) bool {
	return apierrors.IsNotFound(err) || meta.IsNoMatchError(err)
}
