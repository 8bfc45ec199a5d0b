package forecast

import (
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// nelderMead minimises f from x0 with gonum's Nelder-Mead until conv is
// satisfied or maxEvals evaluations are spent, and returns the best vertex
// of the last completed iteration: the point optimize.Minimize returns with
// the same settings, found through the same sequence of evaluations
// (TestNelderMeadMatchesMinimize holds it to that, bit for bit).
//
// It is gonum's method (optimize.NelderMead with its default coefficients,
// the same arithmetic in the same order) run in a plain loop. gonum runs
// a method in its own goroutine and trades every evaluation with it over
// channels; a likelihood over a hundred points takes about a microsecond,
// and those handoffs, with the wake-ups of idle processors they cause,
// cost as much again: on m3-monthly, where every ETS model of each series
// is fitted, they were a third of the CPU time.
func nelderMead(f func([]float64) float64, x0 []float64, conv optimize.Converger, maxEvals int, simplexSize float64) (x []float64, fx float64) {
	dim := len(x0)
	conv.Init(dim)
	best := &optimize.Location{X: slices.Clone(x0), F: math.NaN()}
	evals := 0
	// eval reports whether the budget is spent; the result of the last
	// evaluation is then not used, as Minimize does not use it.
	eval := func(x []float64) (float64, bool) {
		evals++
		return f(x), evals >= maxEvals
	}
	// major records a completed iteration's best vertex and asks conv.
	major := func(x []float64, fx float64) bool {
		best.F = fx
		copy(best.X, x)
		return conv.Converged(best) != optimize.NotTerminated
	}
	f0, spent := eval(best.X)
	if spent || math.IsInf(f0, 1) || math.IsNaN(f0) {
		return best.X, math.NaN()
	}
	if major(x0, f0) {
		return best.X, best.F
	}

	reflection, expansion, contraction, shrink := 1.0, 1+2/float64(dim), 0.75-1/(2*float64(dim)), 1-1/float64(dim)
	if dim == 1 {
		expansion, contraction, shrink = 2, 0.5, 0.5
	}
	s := simplex{vertices: make([][]float64, dim+1), values: make([]float64, dim+1), centroid: make([]float64, dim)}
	for i := range s.vertices {
		s.vertices[i] = slices.Clone(x0)
	}
	s.values[dim] = f0
	for i := range dim {
		s.vertices[i][i] += simplexSize
		v, spent := eval(s.vertices[i])
		if spent {
			return best.X, best.F
		}
		s.values[i] = v
	}
	s.sort()
	trial, reflected := make([]float64, dim), make([]float64, dim)
	// toward sets trial to the centroid plus scale times its distance
	// from the worst vertex, as gonum computes it.
	toward := func(scale float64) {
		floats.SubTo(trial, s.centroid, s.vertices[dim])
		floats.Scale(scale, trial)
		floats.Add(trial, s.centroid)
	}
	for {
		if major(s.vertices[0], s.values[0]) {
			return best.X, best.F
		}
		toward(reflection)
		copy(reflected, trial)
		fr, spent := eval(trial)
		if spent {
			return best.X, best.F
		}
		switch {
		case fr >= s.values[0] && fr < s.values[dim-1]:
			s.replaceWorst(reflected, fr)
			continue
		case fr < s.values[0]:
			toward(reflection * expansion)
			fe, spent := eval(trial)
			if spent {
				return best.X, best.F
			}
			if fe < fr {
				s.replaceWorst(trial, fe)
			} else {
				s.replaceWorst(reflected, fr)
			}
			continue
		case fr < s.values[dim]:
			toward(reflection * contraction)
			fc, spent := eval(trial)
			if spent {
				return best.X, best.F
			}
			if fc <= fr {
				s.replaceWorst(trial, fc)
				continue
			}
		default:
			toward(-contraction)
			fc, spent := eval(trial)
			if spent {
				return best.X, best.F
			}
			if fc < s.values[dim] {
				s.replaceWorst(trial, fc)
				continue
			}
		}
		// Shrink every vertex toward the best.
		for i := 1; i <= dim; i++ {
			floats.SubTo(trial, s.vertices[i], s.vertices[0])
			floats.Scale(shrink, trial)
			floats.Add(trial, s.vertices[0])
			v, spent := eval(trial)
			if spent {
				return best.X, best.F
			}
			copy(s.vertices[i], trial)
			s.values[i] = v
		}
		s.sort()
	}
}

// simplex is Nelder-Mead's working set: vertices in ascending order of
// their values, and the centroid of all but the worst.
type simplex struct {
	vertices [][]float64
	values   []float64
	centroid []float64
}

func (s *simplex) Len() int           { return len(s.values) }
func (s *simplex) Less(i, j int) bool { return s.values[i] < s.values[j] }
func (s *simplex) Swap(i, j int) {
	s.values[i], s.values[j] = s.values[j], s.values[i]
	s.vertices[i], s.vertices[j] = s.vertices[j], s.vertices[i]
}

// sort orders the vertices and recomputes the centroid.
func (s *simplex) sort() {
	sort.Sort(s)
	dim := len(s.centroid)
	clear(s.centroid)
	for _, vertex := range s.vertices[:dim] {
		for j, v := range vertex {
			s.centroid[j] += v
		}
	}
	for j := range s.centroid {
		s.centroid[j] /= float64(dim)
	}
}

// replaceWorst puts x, of value f below the worst's, in the worst
// vertex's place, moves it to its rank and updates the centroid.
func (s *simplex) replaceWorst(x []float64, f float64) {
	dim := len(x)
	copy(s.vertices[dim], x)
	s.values[dim] = f
	for i := dim - 1; i >= 0 && s.values[i] >= f; i-- {
		s.vertices[i], s.vertices[i+1] = s.vertices[i+1], s.vertices[i]
		s.values[i], s.values[i+1] = s.values[i+1], s.values[i]
	}
	floats.AddScaled(s.centroid, -1/float64(dim), s.vertices[dim])
	floats.AddScaled(s.centroid, 1/float64(dim), x)
}
