package job

import (
	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
)

// redactReport removes the secrets from every text of r that a source,
// an error or the model wrote: the cluster's name, gaps, notes, sources
// and the narrative.
func redactReport(r *report.Report, red redact.Redactor) {
	r.Cluster = red.String(r.Cluster)
	for i := range r.Gaps {
		r.Gaps[i].Error = red.String(r.Gaps[i].Error)
	}
	r.Notes = collectors.Redacted(r.Notes, red)
	for k, v := range r.Sources {
		r.Sources[k] = red.String(v)
	}
	for i := range r.Resources {
		res := &r.Resources[i]
		res.Source = red.String(res.Source)
		for j := range res.Notes {
			res.Notes[j] = red.String(res.Notes[j])
		}
	}
	if n := r.Narrative; n != nil {
		n.Text, n.Reason = red.String(n.Text), red.String(n.Reason)
		for i := range n.Rejected {
			n.Rejected[i].Text, n.Rejected[i].Problem = red.String(n.Rejected[i].Text), red.String(n.Rejected[i].Problem)
		}
	}
}
