package printers

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/capplan/capplan/forecast"
)

// ForecastCSV writes forecasts as series,timestamp,mean,lo<L>,hi<L>…, a
// row per step, levels in the order given.
func ForecastCSV(w io.Writer, results []forecast.SeriesForecast, levels []float64) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	header := []string{"series", "timestamp", "mean"}
	for _, lv := range levels {
		l := strconv.FormatFloat(lv, 'f', -1, 64)
		header = append(header, "lo"+l, "hi"+l)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for _, r := range results {
		for k, ts := range r.Times {
			row[0] = r.Series.Name
			row[1] = ts.Format(time.RFC3339)
			row[2] = num(r.Mean[k])
			for i := range levels {
				row[3+2*i] = num(r.Lower[i][k])
				row[4+2*i] = num(r.Upper[i][k])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// ToFile runs print on stdout when path is "-", else on a file beside
// path renamed over it once print succeeds, so that a failure never
// leaves half an output behind.
func ToFile(path string, stdout io.Writer, print func(io.Writer) error) error {
	if path == "-" {
		return print(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".capplan-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	err = print(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
