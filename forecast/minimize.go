package forecast

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// nelderMead minimises f from x0 with gonum's Nelder-Mead until conv is
// satisfied or maxEvals evaluations are spent, and returns the best vertex
// of the last completed iteration: the point optimize.Minimize returns with
// the same settings, found through the same sequence of evaluations.
//
// optimize.Minimize passes every evaluation from the method through a
// distributor and a worker goroutine to a statistics loop and back. A
// likelihood over a few hundred points takes about a microsecond, and those
// handoffs (with the wake-ups of idle processors they cause) cost as much
// again. This driver speaks the same protocol to the method, tasks out on
// one channel and results back on the other, without the intermediaries.
func nelderMead(f func([]float64) float64, x0 []float64, conv optimize.Converger, maxEvals int, simplexSize float64) (x []float64, fx float64) {
	method := &optimize.NelderMead{SimplexSize: simplexSize}
	method.Init(len(x0), 1)
	conv.Init(len(x0))
	operation := make(chan optimize.Task, 1)
	result := make(chan optimize.Task, 1)
	go method.Run(operation, result, []optimize.Task{{Location: &optimize.Location{X: slices.Clone(x0)}}})
	best := &optimize.Location{X: slices.Clone(x0), F: math.NaN()}
	evals := 0
	stopped := false
	// The method waits for each reply before its next task, so after the
	// stop signal it only drains result and closes operation.
	for task := range operation {
		if stopped {
			continue
		}
		switch {
		case task.Op == optimize.MajorIteration:
			best.F = task.F
			copy(best.X, task.X)
			stopped = conv.Converged(best) != optimize.NotTerminated
		case task.Op == optimize.MethodDone:
			stopped = true
		case task.Op&optimize.FuncEvaluation != 0:
			task.F = f(task.X)
			evals++
			stopped = evals >= maxEvals
		}
		if stopped {
			result <- optimize.Task{Op: optimize.PostIteration}
			close(result)
			continue
		}
		result <- task
	}
	return best.X, best.F
}
