package forecast

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// model is an ETS model fitted by maximum likelihood.
type model struct {
	Spec    etsSpec `json:"spec"`
	Period  int     `json:"period"` // seasonal period in steps; 0 when non-seasonal
	Params  params  `json:"params"`
	Initial states  `json:"initial"`
	Final   states  `json:"final"` // states after the last observation
	N       int     `json:"n"`
	Sigma2  float64 `json:"sigma2"` // one-step error variance (of relative errors for M error)
	LogLik  float64 `json:"loglik"`
	AICc    float64 `json:"aicc"`
	NParams int     `json:"nparams"` // estimated parameters, initial states and variance included
}

// Name is the model's label, with the period when seasonal.
func (m *model) Name() string {
	if m.Period > 0 {
		return fmt.Sprintf("%s[%d]", m.Spec, m.Period)
	}
	return m.Spec.String()
}

// Smoothing-parameter bounds (the "usual" region of Hyndman et al.).
const (
	minSmooth = 1e-4
	maxSmooth = 0.9999
	minPhi    = 0.8
	maxPhi    = 0.98
)

var errNonPositive = errors.New("data must be strictly positive for a multiplicative component")

// fitModel fits one ETS model to y with seasonal period m (ignored unless the
// spec is seasonal). Smoothing parameters, the damping parameter and the
// initial level and trend are estimated by maximum likelihood with
// Nelder-Mead; the initial seasonal indices come from a classical
// decomposition and are counted as estimated parameters in the AICc.
func fitModel(y []float64, m int, spec etsSpec) (*model, error) {
	return fitETS(y, m, spec, fitOptions{estimateInit: true})
}

// fitOptions tune one fit. Model screening leaves the initial level and
// trend at their heuristic values, which takes one or two dimensions off
// the search; on series of hundreds of points they barely move the fit.
type fitOptions struct {
	estimateInit bool
	start        *params // warm start: this model's fit to a shorter sample, or a related model's fit
	// related says start is another model's fit. Its parameters that sit in
	// the outer 1% of their range are not taken: there the logistic
	// transform is flat, and a search started there stalls instead of
	// finding this model's own optimum.
	related bool
}

func fitETS(y []float64, m int, spec etsSpec, fo fitOptions) (*model, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if spec.Season == noComponent {
		m = 0
	} else if m < 2 {
		return nil, fmt.Errorf("%s needs a seasonal period of at least 2, got %d", spec, m)
	} else if len(y) < 2*m {
		return nil, fmt.Errorf("%s needs two full seasons (%d points), got %d", spec, 2*m, len(y))
	}
	if len(y) < 3 {
		return nil, fmt.Errorf("%s needs at least 3 points, got %d", spec, len(y))
	}
	if spec.needsPositive() {
		for _, v := range y {
			if v <= 0 {
				return nil, errNonPositive
			}
		}
	}
	x0 := initialStates(spec, y, m)
	c := newCoords(spec, y, x0, m, fo)
	scratch := x0.clone()
	objective := func(u []float64) float64 {
		p, l0, b0 := c.decode(u)
		scratch.Level, scratch.Trend = l0, b0
		copy(scratch.Season, x0.Season)
		r := filter(spec, p, &scratch, y, 0, nil)
		if !r.ok || r.sse <= 0 {
			if r.ok { // a perfect fit: prefer it over anything else
				return -1e300
			}
			return math.MaxFloat64
		}
		return float64(len(y))*math.Log(r.sse) + 2*r.sumLog
	}
	dim := len(c.start)
	// Screening needs the parameters only well enough to rank forecasts;
	// a final fit is polished until -2 log-likelihood (the objective, up to
	// a constant) gains less than 0.2 over several iterations. That
	// threshold means the same on every scale of data, unlike a relative
	// one, and lies far below the AICc differences that decide anything.
	conv := &optimize.FunctionConverge{Relative: 3e-3, Iterations: 2 + dim}
	if fo.estimateInit {
		conv = &optimize.FunctionConverge{Absolute: 0.2, Iterations: 3 + 2*dim}
	}
	best, _ := nelderMead(objective, c.start, conv, 150+100*dim, 0.5)
	if objective(best) >= math.MaxFloat64 {
		return nil, fmt.Errorf("fit %s: no admissible parameters", spec)
	}
	p, l0, b0 := c.decode(best)
	mdl := &model{Spec: spec, Period: m, Params: p, N: len(y)}
	mdl.Initial = states{Level: l0, Trend: b0, Season: x0.Season}
	mdl.Final = mdl.Initial.clone()
	r := filter(spec, p, &mdl.Final, y, 0, nil)
	mdl.NParams = spec.estimatedParams(m)
	mdl.setLikelihood(r)
	return mdl, nil
}

// setLikelihood fills the variance, Gaussian log-likelihood and AICc from a
// filter pass over the whole sample.
func (m *model) setLikelihood(r filterResult) {
	n := float64(m.N)
	k := float64(m.NParams)
	m.Sigma2 = r.sse / math.Max(n-k, 1)
	mse := r.sse / n
	if mse <= 0 {
		mse = math.SmallestNonzeroFloat64
	}
	m.LogLik = -0.5*n*(math.Log(2*math.Pi*mse)+1) - r.sumLog
	m.AICc = -2*m.LogLik + 2*k
	if n-k-1 > 0 {
		m.AICc += 2 * k * (k + 1) / (n - k - 1)
	} else {
		m.AICc = math.Inf(1)
	}
}

// coords maps the optimiser's unconstrained vector to parameters within
// their bounds (logistic transforms) and to initial level and trend
// (offsets in units of the data's spread).
type coords struct {
	spec           etsSpec
	start          []float64
	l0, b0         float64
	lScale, bScale float64
	init           bool // initial level and trend are optimised too
}

func newCoords(spec etsSpec, y []float64, x0 states, m int, fo fitOptions) *coords {
	c := &coords{spec: spec, l0: x0.Level, b0: x0.Trend, init: fo.estimateInit}
	start := fo.start
	c.lScale = spread(y)
	c.bScale = c.lScale / float64(max(m, 10))
	alpha, betaStar, gammaStar, phi := 0.2, 0.1, 0.05, 0.97
	if spec.Season != noComponent {
		alpha = 0.1
	}
	if start != nil {
		take := func(to *float64, v, lo, hi float64) {
			if f := (v - lo) / (hi - lo); !fo.related || (f > 0.01 && f < 0.99) {
				*to = v
			}
		}
		take(&alpha, start.Alpha, minSmooth, maxSmooth)
		if start.Beta > 0 {
			take(&betaStar, start.Beta/start.Alpha, minSmooth, maxSmooth)
		}
		if start.Gamma > 0 {
			take(&gammaStar, start.Gamma/(1-start.Alpha), minSmooth, maxSmooth)
		}
		if start.Phi > 0 && start.Phi < 1 {
			take(&phi, start.Phi, minPhi, maxPhi)
		}
	}
	c.start = append(c.start, logit(alpha, minSmooth, maxSmooth))
	if spec.Trend != noComponent {
		c.start = append(c.start, logit(betaStar, minSmooth, maxSmooth))
	}
	if spec.Season != noComponent {
		c.start = append(c.start, logit(gammaStar, minSmooth, maxSmooth))
	}
	if spec.Damped {
		c.start = append(c.start, logit(phi, minPhi, maxPhi))
	}
	if c.init {
		c.start = append(c.start, 0)
		if spec.Trend != noComponent {
			c.start = append(c.start, 0)
		}
	}
	return c
}

func (c *coords) decode(u []float64) (p params, l0, b0 float64) {
	i := 0
	next := func() float64 { v := u[i]; i++; return v }
	p.Alpha = logistic(next(), minSmooth, maxSmooth)
	if c.spec.Trend != noComponent {
		p.Beta = p.Alpha * logistic(next(), minSmooth, maxSmooth)
		p.Phi = 1
	}
	if c.spec.Season != noComponent {
		p.Gamma = (1 - p.Alpha) * logistic(next(), minSmooth, maxSmooth)
	}
	if c.spec.Damped {
		p.Phi = logistic(next(), minPhi, maxPhi)
	}
	l0, b0 = c.l0, c.b0
	if c.init {
		l0 += c.lScale * next()
		if c.spec.Trend != noComponent {
			b0 += c.bScale * next()
		}
	}
	return p, l0, b0
}

func logistic(u, lo, hi float64) float64 {
	return lo + (hi-lo)/(1+math.Exp(-u))
}

func logit(v, lo, hi float64) float64 {
	f := (v - lo) / (hi - lo)
	f = math.Min(math.Max(f, 1e-6), 1-1e-6)
	return math.Log(f / (1 - f))
}

// spread is the mean absolute first difference of y, a scale for the level
// that ignores trend and is not fooled by a large mean; 1 when y is flat.
func spread(y []float64) float64 {
	var s float64
	for i := 1; i < len(y); i++ {
		s += math.Abs(y[i] - y[i-1])
	}
	if s == 0 || len(y) < 2 {
		return 1
	}
	return s / float64(len(y)-1)
}

// aiccOver is the AICc of the model, with its parameters and initial states
// as fitted, over y: the fitted sample followed by later points. Over the
// later points it scores the model's one-step forecasts, so unlike the
// fit's own AICc it also reflects how the model fared out of sample. It is
// +Inf when the model breaks down on y.
func (m *model) aiccOver(y []float64) float64 {
	x := m.Initial.clone()
	r := filter(m.Spec, m.Params, &x, y, 0, nil)
	if !r.ok {
		return math.Inf(1)
	}
	whole := model{N: len(y), NParams: m.NParams}
	whole.setLikelihood(r)
	return whole.AICc
}
