package report

import (
	"fmt"
	"strings"
)

// maxChartName bounds the part of a chart's file name taken from the
// resource, well inside the 255 bytes file systems allow.
const maxChartName = 100

// chartFile is the name of a resource's chart beside report.md: letters,
// digits, '-' and '_' of the resource's name, every other byte a '-', so
// that no name from the cluster ('../x', a slash, a NUL) leaves the
// report's directory.
func chartFile(resource string) string {
	out := []byte{}
	for _, c := range []byte(resource) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			out = append(out, c)
		default:
			out = append(out, '-')
		}
	}
	if len(out) > maxChartName {
		out = out[:maxChartName]
	}
	return "chart-" + string(out) + ".svg"
}

// chartFiles names each resource's chart, a number added where two names
// map to the same file (pools "a.b" and "a-b"); a quiet resource has none.
func chartFiles(resources []Resource) {
	used := map[string]bool{}
	for i := range resources {
		if resources[i].Quiet != nil {
			continue
		}
		name := chartFile(resources[i].Name)
		for n := 2; used[name]; n++ {
			name = strings.TrimSuffix(chartFile(resources[i].Name), ".svg") + fmt.Sprintf("-%d.svg", n)
		}
		used[name] = true
		resources[i].Chart = name
	}
}
