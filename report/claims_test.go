package report

import (
	"slices"
	"testing"

	"github.com/capplan/capplan/collectors"
)

// TestClaims: claims are summed by the storage classes a Ceph pool of the
// snapshot backs; a class of another provisioner, or of a pool Ceph did
// not report, is left out.
func TestClaims(t *testing.T) {
	s := collectors.Snapshot{
		Ceph: &collectors.Ceph{Pools: []collectors.Pool{{Name: "rbd"}, {Name: "fs"}}},
		StorageClasses: []collectors.StorageClass{
			{Name: "block", Pool: "rbd"}, {Name: "files", Pool: "fs"}, {Name: "local"}, {Name: "old", Pool: "gone"},
		},
		Volumes: []collectors.VolumeClaims{
			{Namespace: "a", StorageClass: "block", RequestedBytes: 100}, {Namespace: "b", StorageClass: "block", RequestedBytes: 50},
			{Namespace: "a", StorageClass: "files", RequestedBytes: 30}, {Namespace: "a", StorageClass: "local", RequestedBytes: 1000},
			{Namespace: "a", StorageClass: "old", RequestedBytes: 7},
		},
	}
	got, total := claims(s)
	want := []ClassClaims{{"block", "rbd", 150}, {"files", "fs", 30}}
	if !slices.Equal(got, want) || total != 180 {
		t.Errorf("%+v, %d; want %+v, 180", got, total, want)
	}
	if got, total := claims(collectors.Snapshot{}); got != nil || total != 0 {
		t.Errorf("without Ceph: %+v, %d", got, total)
	}
}
