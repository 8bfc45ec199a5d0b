package forecast

import (
	"fmt"
	"strings"
)

// component is the form of one ETS component.
type component byte

const (
	noComponent    component = 'N'
	additive       component = 'A'
	multiplicative component = 'M'
)

// etsSpec names one member of the ETS family in Hyndman et al.'s
// (error, trend, season) taxonomy. Multiplicative trends are left out on
// purpose: they explode over the long horizons a capacity plan needs.
type etsSpec struct {
	Error  component
	Trend  component
	Damped bool
	Season component
}

// holtWinters is the classic additive Holt-Winters method written as a state
// space model, kept by name so results can be compared with tools that use it.
var holtWinters = etsSpec{Error: additive, Trend: additive, Season: additive}

// String gives the usual ETS(E,T,S) label, e.g. "ETS(A,Ad,N)".
func (s etsSpec) String() string {
	trend := string(s.Trend)
	if s.Damped {
		trend += "d"
	}
	return fmt.Sprintf("ETS(%c,%s,%c)", s.Error, trend, s.Season)
}

// parseSpec reads a compact model code such as "ANN", "AAdA" or "MNM", or
// "hw" for HoltWinters.
func parseSpec(code string) (etsSpec, error) {
	if strings.EqualFold(code, "hw") {
		return holtWinters, nil
	}
	c := strings.ToUpper(code)
	damped := false
	if len(c) == 4 && c[2] == 'D' {
		damped = true
		c = c[:2] + c[3:]
	}
	if len(c) != 3 {
		return etsSpec{}, fmt.Errorf("model %q: want a code like ANN, AAdA or MNM", code)
	}
	s := etsSpec{Error: component(c[0]), Trend: component(c[1]), Damped: damped, Season: component(c[2])}
	if err := s.validate(); err != nil {
		return etsSpec{}, fmt.Errorf("model %q: %w", code, err)
	}
	return s, nil
}

func (s etsSpec) validate() error {
	switch {
	case s.Error != additive && s.Error != multiplicative:
		return fmt.Errorf("error must be A or M, not %c", s.Error)
	case s.Trend != noComponent && s.Trend != additive:
		return fmt.Errorf("trend must be N or A (Ad when damped), not %c", s.Trend)
	case s.Damped && s.Trend == noComponent:
		return fmt.Errorf("a damped model needs a trend")
	case s.Season != noComponent && s.Season != additive && s.Season != multiplicative:
		return fmt.Errorf("season must be N, A or M, not %c", s.Season)
	}
	return nil
}

// estimatedParams counts what a fit of this model at period m estimates,
// heuristic starting values included: smoothing and damping parameters,
// initial level and trend, m-1 free seasonal indices, and the variance.
func (s etsSpec) estimatedParams(m int) int {
	k := 1 + 1 + 1 // alpha, level, variance
	if s.Trend != noComponent {
		k += 2 // beta, initial trend
	}
	if s.Damped {
		k++
	}
	if s.Season != noComponent {
		k += 1 + m - 1 // gamma, free seasonal indices
	}
	return k
}

// needsPositive reports whether the model divides by its forecasts or
// seasonal indices and so only makes sense for strictly positive data.
func (s etsSpec) needsPositive() bool {
	return s.Error == multiplicative || s.Season == multiplicative
}
