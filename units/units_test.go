package units

import "testing"

// TestQuantityOfSmallBytes: below a GiB, MiB; "0.0 GiB" said nothing.
func TestQuantityOfSmallBytes(t *testing.T) {
	for v, want := range map[float64]string{
		21050049.59: "20.1 MiB", 369583691: "352.5 MiB", -5 << 20: "-5.0 MiB", 0: "0.0 GiB",
		1 << 30: "1.0 GiB", 1.5 * (1 << 40): "1.50 TiB",
	} {
		if got := Quantity(v, Bytes); got != want {
			t.Errorf("Quantity(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestDollars(t *testing.T) {
	for v, want := range map[float64]string{0: "$0", 999.5: "$1,000", 1500: "$1,500", 1234567: "$1,234,567", -3100: "$-3,100"} {
		if got := Dollars(v); got != want {
			t.Errorf("Dollars(%v) = %q, want %q", v, got, want)
		}
	}
}
