package forecast

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/optimize"
)

// The driver must reproduce optimize.Minimize exactly: same point, same
// value, whether it stops on convergence or on the evaluation budget.
func TestNelderMeadMatchesMinimize(t *testing.T) {
	rosenbrock := func(x []float64) float64 {
		var s float64
		for i := 0; i+1 < len(x); i++ {
			s += 100*math.Pow(x[i+1]-x[i]*x[i], 2) + math.Pow(1-x[i], 2)
		}
		return s
	}
	bowl := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			s += float64(i+1) * (v - 0.3) * (v - 0.3)
		}
		return s
	}
	for _, tc := range []struct {
		name     string
		f        func([]float64) float64
		x0       []float64
		rel      float64
		maxEvals int
		stop     optimize.Status
	}{
		{"rosenbrock converges", rosenbrock, []float64{-1.2, 1}, 1e-8, 1000, optimize.FunctionConvergence},
		{"rosenbrock budget", rosenbrock, []float64{-1.2, 1, 0.5}, 1e-12, 60, optimize.FunctionEvaluationLimit},
		{"bowl loose", bowl, []float64{2, -1, 0.5, 3}, 3e-3, 500, optimize.FunctionConvergence},
		{"one dimension", bowl, []float64{4}, 1e-5, 500, optimize.FunctionConvergence},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iters := 2 + len(tc.x0)
			want, err := optimize.Minimize(optimize.Problem{Func: tc.f}, tc.x0,
				&optimize.Settings{FuncEvaluations: tc.maxEvals, Converger: &optimize.FunctionConverge{Relative: tc.rel, Iterations: iters}},
				&optimize.NelderMead{SimplexSize: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			if want.Status != tc.stop {
				t.Fatalf("Minimize stopped with %v, the case is meant for %v", want.Status, tc.stop)
			}
			evals := 0
			counted := func(x []float64) float64 { evals++; return tc.f(x) }
			x, fx := nelderMead(counted, tc.x0, &optimize.FunctionConverge{Relative: tc.rel, Iterations: iters}, tc.maxEvals, 0.5)
			if fx != want.F {
				t.Errorf("f = %v, Minimize %v", fx, want.F)
			}
			for i := range x {
				if x[i] != want.X[i] {
					t.Errorf("x[%d] = %v, Minimize %v", i, x[i], want.X[i])
				}
			}
			if evals != want.Stats.FuncEvaluations {
				t.Errorf("%d evaluations, Minimize %d", evals, want.Stats.FuncEvaluations)
			}
		})
	}
}
