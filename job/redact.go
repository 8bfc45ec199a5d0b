package job

import (
	"net/url"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/redact"
	"github.com/capplan/capplan/report"
)

// redactor knows every secret of the configuration: those read from files
// or the environment, and those written into the Prometheus, Git and
// Ollama URLs.
func (c Config) redactor() redact.Redactor {
	git := c.Git.URL
	if c.secrets.gitToken != "" {
		// With a token beside it, the URL's user is a name, not the
		// credential: kept, so that it does not cut words out of messages.
		git = withoutUser(git)
	}
	p := c.Sources.secrets
	return redact.New([]string{git, c.Sources.Prometheus.URL, c.Ollama.Host, c.Pushgateway.URL},
		c.secrets.gitToken, c.secrets.sshKey, p.Token, p.Password)
}

// redactor knows the secrets of the sources: Prometheus' credentials.
func (s Sources) redactor() redact.Redactor {
	return redact.New([]string{s.Prometheus.URL}, s.secrets.Token, s.secrets.Password)
}

func withoutUser(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if p, ok := u.User.Password(); ok {
		u.User = url.UserPassword("", p)
	} else {
		u.User = nil
	}
	return u.String()
}

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

// redactHistory removes the secrets from the series' sources.
func redactHistory(h collectors.History, red redact.Redactor) collectors.History {
	out := collectors.History{Series: make([]collectors.Series, len(h.Series))}
	for i, s := range h.Series {
		s.Source = red.String(s.Source)
		out.Series[i] = s
	}
	return out
}
