package templates

import "testing"

// TestRelativePath: tenths of a point relative to the one before, a
// straight stretch written once; what it does not recognise is left alone.
func TestRelativePath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		// Three steps right along y = 20, then one up and right: the
		// three are one.
		{"M10,20L11,20L12,20L13,20L14,21Z", "M10 20l3 0 1 1Z", true},
		// A turn back is not the same direction.
		{"M0,0L2,0L1,0", "M0 0l2 0-1 0", true},
		// Rounding to tenths, a repeated point dropped, a turn kept.
		{"M0.44,0.56L1.2,1L1.2,1L2,2L3.4,3", "M0.4 0.6l0.8 0.4 0.8 1 1.4 1", true},
		{"M0,0L2,0M5,5L6,5L7,5", "M0 0l2 0M5 5l2 0", true},
		{"M0,0C1,1 2,2 3,3", "", false},
	} {
		got, ok := relativePath(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCompactSVG(t *testing.T) {
	in := `<path d="M89.733,24.363L89.733,32.363L89.9,32.4L95.2,20.1Z" style="fill:none" />` +
		`<path d="M1,2A3,3 0 0 1 4,5" />` +
		`<text x="1" style="font-family:Liberation Serif;font-variant:normal;font-weight:normal;font-style:normal;font-size:12px">a</text>`
	want := `<path d="M89.7 24.4l0 8 0.2 0 5.3-12.3Z" style="fill:none" />` +
		`<path d="M1,2A3,3 0 0 1 4,5" />` +
		`<text x="1" font-family="Liberation Serif" font-size="12px">a</text>`
	if got := string(compactSVG([]byte(in))); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	ticks := "<g>\n" + `<path d="M1.2,2L1.2,4" style="fill:none;stroke:#000000" />` + "\n" + `<path d="M3,2L3,4" style="fill:none;stroke:#000000" />` + "\n" +
		`<path d="M0,0L9,0" style="fill:none;stroke:#333333" />` + "\n" + `<path d="M0,0L1,1Z" style="fill:#FFFFFF" />` + "\n</g>"
	wantTicks := "<g>\n" + `<path d="M1.2 2l0 2M3 2l0 2" style="fill:none;stroke:#000000" />` + "\n" + `<path d="M0 0l9 0" style="fill:none;stroke:#333333" />` + "\n" +
		`<path d="M0 0l1 1Z" style="fill:#FFFFFF" />` + "\n</g>"
	if got := string(compactSVG([]byte(ticks))); got != wantTicks {
		t.Errorf("got  %s\nwant %s", got, wantTicks)
	}
}
