package report

import (
	"slices"

	"github.com/capplan/capplan/collectors"
)

// claims sums the snapshot's volume claims by storage class, for the
// classes a Ceph pool of the snapshot backs, in the classes' order.
func claims(s collectors.Snapshot) ([]ClassClaims, int64) {
	if s.Ceph == nil {
		return nil, 0
	}
	var out []ClassClaims
	var total int64
	for _, sc := range s.StorageClasses {
		if sc.Pool == "" || !slices.ContainsFunc(s.Ceph.Pools, func(p collectors.Pool) bool { return p.Name == sc.Pool }) {
			continue
		}
		c := ClassClaims{Class: sc.Name, Pool: sc.Pool}
		for _, v := range s.Volumes {
			if v.StorageClass == sc.Name {
				c.RequestedBytes += v.RequestedBytes
			}
		}
		if c.RequestedBytes > 0 {
			out = append(out, c)
			total += c.RequestedBytes
		}
	}
	return out, total
}
