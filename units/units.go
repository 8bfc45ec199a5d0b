// Package units names the units capplan's quantities are in and writes
// quantities and money the way every report, table and log line shows
// them, so that one figure reads the same wherever it appears.
package units

import (
	"fmt"
	"math"
	"strings"
)

// The units of a series (collectors.Series.Unit) and of every quantity
// planned from one.
const (
	Cores          = "cores"
	Bytes          = "bytes"
	BytesPerSecond = "bytes/s"
)

// Quantity prints a value with its unit: cores to two decimals, bytes in
// GiB or TiB.
func Quantity(v float64, unit string) string {
	switch unit {
	case Cores:
		return fmt.Sprintf("%.2f cores", v)
	case Bytes:
		switch a := math.Abs(v); {
		case a >= 1<<40:
			return fmt.Sprintf("%.2f TiB", v/(1<<40))
		case a >= 1<<30, a == 0:
			return fmt.Sprintf("%.1f GiB", v/(1<<30))
		}
		// Below a GiB, MiB: a small pool is not "0.0 GiB".
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case BytesPerSecond:
		return fmt.Sprintf("%.1f MB/s", v/1e6)
	}
	return fmt.Sprintf("%.4g %s", v, unit)
}

// Dollars writes an amount in whole dollars with thousands separators.
func Dollars(v float64) string { return "$" + commas(v) }

// commas writes a number rounded to a whole with thousands separators.
func commas(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
