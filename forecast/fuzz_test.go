package forecast

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzPredict feeds arbitrary finite series to automatic selection and a
// multiplicative model: no panic, and every number out is finite with
// ordered bounds.
func FuzzPredict(f *testing.F) {
	seed := make([]byte, 0, 8*40)
	for i := range 40 {
		seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(10+float64(i%7)+0.1*float64(i)))
	}
	f.Add(seed, uint8(7), uint8(5))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, period, horizon uint8) {
		var y []float64
		for len(data) >= 8 && len(y) < 400 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 {
				continue
			}
			y = append(y, v)
		}
		if len(y) == 0 {
			return
		}
		h := int(horizon%60) + 1
		for _, method := range []string{"auto", "MAdM"} {
			r, err := Predict(y, Options{Horizon: h, Periods: []int{int(period % 30)}, Method: method})
			if err != nil {
				continue
			}
			for k := range r.Mean {
				vals := []float64{r.Lower[1][k], r.Lower[0][k], r.Mean[k], r.Upper[0][k], r.Upper[1][k]}
				for i, v := range vals {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("%s (%s) step %d: non-finite output %v", method, r.Method, k, vals)
					}
					if i > 0 && v < vals[i-1] {
						t.Fatalf("%s (%s) step %d: bounds out of order %v", method, r.Method, k, vals)
					}
				}
			}
		}
	})
}
