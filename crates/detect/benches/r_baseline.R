# R baseline for the waspada-detect benchmark (see BENCHMARKS.md).
#
#   Rscript crates/detect/benches/r_baseline.R [N_SERIES]      (default 1000)
#
# Builds the same 1,000 weekly series as benches/detect.rs (Park-Miller generator, Poisson by
# inversion, so R and Rust see identical counts; the checksum printed below must match the
# Rust bench's), then times farringtonFlexible and earsC (C1) over the last 52 weeks of each.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else 1000L
n <- 211L                      # 3 years + 4 weeks of history, then 52 evaluated weeks
range <- (n - 51L):n           # weeks 160..211

state <- 20260101
uniform <- function() { state <<- (16807 * state) %% 2147483647; state / 2147483647 }
poisson <- function(lambda) {
  u <- uniform(); k <- 0; p <- exp(-lambda); cdf <- p
  while (u > cdf && k < 10000) { k <- k + 1; p <- p * lambda / k; cdf <- cdf + p }
  k
}
make_series <- function(s) {
  base <- 1 + (s %% 20)
  sapply(seq_len(n), function(t) poisson(base * exp(0.5 * sin(2 * pi * t / 52))))
}
series <- lapply(seq_len(n_series) - 1L, make_series)
cat("series:", n_series, "x", n, "weeks; checksum (sum of all counts):", sum(unlist(series)), "\n")

farr <- list(b = 3, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05, trend = TRUE,
             pThresholdTrend = 0.05, limit54 = c(5, 4), powertrans = "2/3", noPeriods = 1,
             pastWeeksNotIncluded = 3, thresholdMethod = "delta", range = range)
ears <- list(method = "C1", baseline = 7, alpha = 0.001, range = range)

alarms_f <- 0; alarms_e <- 0
t_farr <- system.time(for (y in series) {
  r <- farringtonFlexible(sts(observed = y, frequency = 52), control = farr)
  alarms_f <- alarms_f + sum(alarms(r), na.rm = TRUE)
})
t_ears <- system.time(for (y in series) {
  r <- earsC(sts(observed = y, frequency = 52), control = ears)
  alarms_e <- alarms_e + sum(alarms(r), na.rm = TRUE)
})
cat(sprintf("farringtonFlexible: %.2f s elapsed (%d alarms)\n", t_farr[["elapsed"]], alarms_f))
cat(sprintf("earsC C1:           %.2f s elapsed (%d alarms)\n", t_ears[["elapsed"]], alarms_e))
cat(sprintf("total:              %.2f s\n", t_farr[["elapsed"]] + t_ears[["elapsed"]]))
