package job

import (
	"testing"

	"github.com/capplan/capplan/collectors"
)

func TestCephFromFirstSourceThatReports(t *testing.T) {
	s := collectors.Snapshot{Sources: map[string]string{}}
	rook := cephSource{&collectors.Ceph{TotalBytes: 10}, []collectors.Note{{Source: "rook", Message: "no pools"}}, "Rook CephCluster status"}
	file := cephSource{&collectors.Ceph{TotalBytes: 11, Pools: []collectors.Pool{{Name: "rbd"}}}, nil, "ceph df file df.json"}
	prom := cephSource{&collectors.Ceph{TotalBytes: 12, Pools: []collectors.Pool{{Name: "other"}}}, nil, "prometheus"}
	for _, cs := range []cephSource{rook, file, prom} {
		addCeph(&s, cs)
	}
	if s.Ceph.TotalBytes != 10 || len(s.Ceph.Pools) != 1 || s.Ceph.Pools[0].Name != "rbd" {
		t.Errorf("Ceph %+v: want Rook's capacity and the file's pools", s.Ceph)
	}
	if s.Sources["ceph"] != "Rook CephCluster status" || s.Sources["ceph pools"] != "ceph df file df.json" || len(s.Notes) != 1 {
		t.Errorf("sources %v, notes %v", s.Sources, s.Notes)
	}
}
