#!/usr/bin/env Rscript
# Writes golden.json: known answers from R's forecast::ets for the Go tests
# in forecast/rgolden_test.go.
#
#   apt-get install -y --no-install-recommends r-base-core r-cran-forecast r-cran-jsonlite
#   cd forecast/testdata/r && Rscript make_golden.R
#
# Each case is a series made here from a fixed seed, one ETS model fitted by
# R (the spec fixed, parameters and initial states estimated), R's
# parameters, initial states, log-likelihood, and its forecast with 80% and
# 95% intervals. A last field records the model R's automatic selection
# picks for the same series.
suppressPackageStartupMessages({ library(forecast); library(jsonlite) })

make_series <- function(kind, n, m, seed) {
  set.seed(seed)
  t <- seq_len(n)
  switch(kind,
    level    = 100 + cumsum(rnorm(n, 0, 1)) + rnorm(n, 0, 2),
    trend    = 50 + 0.8 * t + cumsum(rnorm(n, 0, 0.5)) + rnorm(n, 0, 3),
    additive = 200 + 0.2 * t + 15 * sin(2 * pi * t / m) + 5 * cos(4 * pi * t / m) + rnorm(n, 0, 3),
    multiplicative = (300 + 1.5 * t) * (1 + 0.25 * sin(2 * pi * t / m)) * exp(rnorm(n, 0, 0.03)))
}

cases <- list(
  list(name = "ANN-level",     kind = "level",          n = 200, m = 1,  model = "ANN", damped = FALSE, h = 20),
  list(name = "AAdN-trend",    kind = "trend",          n = 150, m = 1,  model = "AAN", damped = TRUE,  h = 30),
  list(name = "AAN-trend",     kind = "trend",          n = 150, m = 1,  model = "AAN", damped = FALSE, h = 30),
  list(name = "ANA-weekly",    kind = "additive",       n = 140, m = 7,  model = "ANA", damped = FALSE, h = 21),
  list(name = "AAA-weekly",    kind = "additive",       n = 140, m = 7,  model = "AAA", damped = FALSE, h = 21),
  list(name = "AAdA-monthly",  kind = "additive",       n = 120, m = 12, model = "AAA", damped = TRUE,  h = 24),
  list(name = "MNM-monthly",   kind = "multiplicative", n = 120, m = 12, model = "MNM", damped = FALSE, h = 24),
  list(name = "MAdM-monthly",  kind = "multiplicative", n = 120, m = 12, model = "MAM", damped = TRUE,  h = 24)
)

out <- lapply(seq_along(cases), function(i) {
  c <- cases[[i]]
  y <- ts(make_series(c$kind, c$n, c$m, 1000 + i), frequency = c$m)
  fit <- ets(y, model = c$model, damped = c$damped)
  fc <- forecast(fit, h = c$h, level = c(80, 95))
  auto <- ets(y)
  list(
    name = c$name, period = c$m, y = as.numeric(y),
    method = fit$method, par = as.list(fit$par), initstate = as.numeric(fit$initstate),
    sigma2 = fit$sigma2, loglik = fit$loglik, aicc = fit$aicc,
    mean = as.numeric(fc$mean),
    lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
    lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]),
    auto_method = auto$method)
})
writeLines(toJSON(list(generator = "make_golden.R", forecast_version = as.character(packageVersion("forecast")),
                       cases = out), auto_unbox = TRUE, digits = I(15), pretty = TRUE), "golden.json")
