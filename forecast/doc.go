// Package forecast forecasts regular time series with prediction
// intervals and says when a series first reaches a level: exponential
// smoothing (the ETS family in state-space form, chosen by validation on
// the horizon or by AICc), the Theta method, seasonal naive and their
// means (Predict, and ForecastAll over many series in parallel);
// calendar aggregation of daily values into weeks and months (Aggregate);
// and simulated futures of a daily series (Futures), with their
// calibrated first passages (Passages, FirstPassage), bands (Bands) and
// the level they stay under (Below), which every figure of the planner
// comes from, and the shape of a history (ShapeOf). docs/forecast.md says
// what each method does and how it scores against its anchors.
//
// The package imports nothing of capplan's: its inputs are numbers and
// times, so that it can be tested and benchmarked on any data set.
package forecast
