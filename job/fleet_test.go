package job

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/capplan/capplan/config"
)

// TestFleetOfFailures: a store that does not answer leaves every cluster
// unplanned; each says why in the summary, and the run ends as one that
// planned nothing, not as a success or a mere gap.
func TestFleetOfFailures(t *testing.T) {
	c := config.Default()
	c.Ollama.Enabled = false
	c.Prometheus.URL = "http://127.0.0.1:1"
	c.Clusters = []config.Cluster{{Name: "a"}, {Name: "b"}}
	res, err := RunFleet(context.Background(), c, time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), true, t.TempDir(), nil)
	if !errors.Is(err, ErrNothingPlanned) {
		t.Errorf("error %v, want nothing planned", err)
	}
	readme := string(res.File("README.md"))
	for _, name := range []string{"a", "b"} {
		if !strings.Contains(readme, "- **"+name+"**: no resource could be planned: collect: prometheus http://127.0.0.1:1: ") {
			t.Errorf("the summary does not say why %s was not planned:\n%s", name, readme)
		}
	}
}
