package forecast

import (
	"fmt"
	"strings"
)

// Component is the form of one ETS component.
type Component byte

const (
	None           Component = 'N'
	Additive       Component = 'A'
	Multiplicative Component = 'M'
)

// Spec names one member of the ETS family in Hyndman et al.'s
// (error, trend, season) taxonomy. Multiplicative trends are left out on
// purpose: they explode over the long horizons a capacity plan needs.
type Spec struct {
	Error  Component
	Trend  Component
	Damped bool
	Season Component
}

// HoltWinters is the classic additive Holt-Winters method written as a state
// space model, kept by name so results can be compared with tools that use it.
var HoltWinters = Spec{Error: Additive, Trend: Additive, Season: Additive}

// String gives the usual ETS(E,T,S) label, e.g. "ETS(A,Ad,N)".
func (s Spec) String() string {
	trend := string(s.Trend)
	if s.Damped {
		trend += "d"
	}
	return fmt.Sprintf("ETS(%c,%s,%c)", s.Error, trend, s.Season)
}

// ParseSpec reads a compact model code such as "ANN", "AAdA" or "MNM", or
// "hw" for HoltWinters.
func ParseSpec(code string) (Spec, error) {
	if strings.EqualFold(code, "hw") {
		return HoltWinters, nil
	}
	c := strings.ToUpper(code)
	damped := false
	if len(c) == 4 && c[2] == 'D' {
		damped = true
		c = c[:2] + c[3:]
	}
	if len(c) != 3 {
		return Spec{}, fmt.Errorf("model %q: want a code like ANN, AAdA or MNM", code)
	}
	s := Spec{Error: Component(c[0]), Trend: Component(c[1]), Damped: damped, Season: Component(c[2])}
	if err := s.validate(); err != nil {
		return Spec{}, fmt.Errorf("model %q: %w", code, err)
	}
	return s, nil
}

func (s Spec) validate() error {
	switch {
	case s.Error != Additive && s.Error != Multiplicative:
		return fmt.Errorf("error must be A or M, not %c", s.Error)
	case s.Trend != None && s.Trend != Additive:
		return fmt.Errorf("trend must be N or A (Ad when damped), not %c", s.Trend)
	case s.Damped && s.Trend == None:
		return fmt.Errorf("a damped model needs a trend")
	case s.Season != None && s.Season != Additive && s.Season != Multiplicative:
		return fmt.Errorf("season must be N, A or M, not %c", s.Season)
	}
	return nil
}

// estimatedParams counts what a fit of this model at period m estimates,
// heuristic starting values included: smoothing and damping parameters,
// initial level and trend, m-1 free seasonal indices, and the variance.
func (s Spec) estimatedParams(m int) int {
	k := 1 + 1 + 1 // alpha, level, variance
	if s.Trend != None {
		k += 2 // beta, initial trend
	}
	if s.Damped {
		k++
	}
	if s.Season != None {
		k += 1 + m - 1 // gamma, free seasonal indices
	}
	return k
}

// needsPositive reports whether the model divides by its forecasts or
// seasonal indices and so only makes sense for strictly positive data.
func (s Spec) needsPositive() bool {
	return s.Error == Multiplicative || s.Season == Multiplicative
}
