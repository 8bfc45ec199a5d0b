// Package forecast forecasts regular time series with prediction
// intervals and says when a series first reaches a level: exponential
// smoothing (the ETS family in state-space form, chosen by validation on
// the horizon or by AICc), the Theta method, seasonal naive and their
// means (Predict, and ForecastAll over many series in parallel);
// calendar aggregation of daily values into weeks and months (Aggregate);
// and first-passage dates over simulated futures (FirstPassage), which
// the planner's threshold dates come from. docs/forecast.md says what
// each method does and how it scores against its anchors.
//
// The package imports nothing of capplan's: its inputs are numbers and
// times, so that it can be tested and benchmarked on any data set.
package forecast
