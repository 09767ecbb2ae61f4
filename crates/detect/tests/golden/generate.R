# Golden fixtures for waspada-detect, produced with R surveillance 1.20.3.
#
# Run from this directory:   Rscript generate.R
# Writes cases.json: one object per (series, method, parameters) with R's upper bounds and
# alarms (null = NA/NaN), or "error": true where R stops. The series are synthetic (written
# here), index-based (epochAsDate = FALSE) like the reference cases.
suppressMessages({ library(surveillance); library(jsonlite) })
stopifnot(packageVersion("surveillance") == "1.20.3")
set.seed(20260101)

seasonal <- function(n, freq, base = 4, amp = 0.6, trend = 0) {
  t <- seq_len(n)
  rpois(n, base * exp(amp * sin(2 * pi * t / freq) + trend * t / n))
}
spike <- function(n, at, size = 25, base = 0) { y <- rep(base, n); y[at] <- size; y }

farr <- list(b = 3, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05, trend = TRUE,
             pThresholdTrend = 0.05, limit54 = c(5, 4), powertrans = "2/3", noPeriods = 1,
             pastWeeksNotIncluded = 3, thresholdMethod = "delta")
nouf <- modifyList(farr, list(pThresholdTrend = 1, noPeriods = 10, pastWeeksNotIncluded = 26,
                              thresholdMethod = "nbPlugin"))

run <- function(name, method, y, freq, params = list(), from = NULL, to = length(y)) {
  s <- sts(observed = y, frequency = freq)
  res <- tryCatch({
    if (method %in% c("ears-c1", "ears-c2", "ears-c3")) {
      variant <- toupper(sub("ears-", "", method))
      ctl <- modifyList(list(method = variant, baseline = 7, minSigma = 0), params)
      if (is.null(ctl$alpha)) ctl$alpha <- if (variant == "C3") 0.025 else 0.001
      L <- ctl$baseline + c(C1 = 0, C2 = 2, C3 = 4)[[variant]]
      if (is.null(from)) from <- L + 1
      ctl$range <- from:to
      r <- earsC(s, control = ctl)
    } else if (method %in% c("farrington", "noufaily")) {
      ctl <- modifyList(if (method == "farrington") farr else nouf, params)
      if (is.null(from)) from <- freq * ctl$b + ctl$w + 1
      ctl$range <- from:to
      r <- farringtonFlexible(s, control = ctl)
    } else if (method == "cusum") {
      ctl <- modifyList(list(k = 1.04, h = 2.26, trans = "standard"), params)
      if (is.null(from)) from <- freq + 1
      ctl$range <- from:to
      r <- cusum(s, control = ctl)
    }
    list(upperbound = as.numeric(upperbound(r)), alarm = as.logical(alarms(r)))
  }, error = function(e) list(error = conditionMessage(e)))
  if (is.null(from)) from <- NA
  case <- list(name = name, method = method, freq = freq, params = params, observed = y,
               from = from, to = to)
  if (!is.null(res$error)) {
    case$error <- TRUE
    case$r_message <- res$error
  } else {
    case$upperbound <- lapply(res$upperbound, function(v) if (is.na(v)) NULL else v)
    case$alarm <- lapply(res$alarm, function(v) if (is.na(v)) NULL else v)
  }
  case
}

cases <- list()
add <- function(...) cases[[length(cases) + 1]] <<- run(...)

weekly <- seasonal(260, 52)
monthly <- seasonal(72, 12, base = 12)
daily <- seasonal(1200, 365, base = 2)
outbreak <- weekly; outbreak[230:234] <- outbreak[230:234] + c(6, 12, 20, 15, 8)

for (m in c("ears-c1", "ears-c2", "ears-c3")) {
  add(paste(m, "zero"), m, rep(0, 30), 52)
  add(paste(m, "constant"), m, rep(5, 30), 52)
  add(paste(m, "constant minSigma"), m, rep(5, 30), 52, list(minSigma = 0.5))
  add(paste(m, "single spike"), m, spike(30, 20), 52)
  add(paste(m, "spike on baseline"), m, spike(40, 25, 12, base = 2), 52)
  need <- 7 + c("ears-c1" = 1, "ears-c2" = 3, "ears-c3" = 5)[[m]]
  # C3 stops on a single evaluated point, so its shortest series has one more point.
  add(paste(m, "exactly long enough"), m, weekly[1:(need + (m == "ears-c3"))], 52)
  add(paste(m, "weekly outbreak"), m, outbreak, 52)
  add(paste(m, "monthly"), m, monthly, 12)
  add(paste(m, "daily"), m, daily[1:400], 365)
  add(paste(m, "baseline 10 alpha 0.05"), m, weekly[1:120], 52, list(baseline = 10, alpha = 0.05))
  add(paste(m, "too early"), m, weekly[1:40], 52, from = 5)
}
add("ears-c3 single point", "ears-c3", weekly[1:40], 52, from = 30, to = 30)

for (m in c("farrington", "noufaily")) {
  need <- 52 * 3 + 3 + 1
  add(paste(m, "zero"), m, rep(0, 200), 52)
  add(paste(m, "zero then cases"), m, c(rep(0, 196), 2, 2, 1, 3), 52)
  add(paste(m, "constant"), m, rep(5, 200), 52)
  add(paste(m, "single spike"), m, { y <- weekly[1:200]; y[180] <- 40; y }, 52)
  add(paste(m, "spike in reference years"), m, { y <- weekly[1:220]; y[c(60, 112, 164)] <- 45; y }, 52)
  add(paste(m, "exactly long enough"), m, weekly[1:need], 52)
  add(paste(m, "weekly outbreak"), m, outbreak, 52)
  add(paste(m, "weekly trend"), m, seasonal(260, 52, base = 3, trend = 1.2), 52)
  add(paste(m, "monthly"), m, monthly, 12)
  add(paste(m, "daily"), m, daily, 365, from = 1150)
  add(paste(m, "daily all zero history"), m, c(rep(0, 1190), 3, 4, 0, 2, 1, 0, 5, 6, 2, 1), 365, from = 1190)
  add(paste(m, "muan"), m, outbreak, 52, list(thresholdMethod = "muan"))
  add(paste(m, "no reweight no trend"), m, outbreak, 52, list(reweight = FALSE, trend = FALSE))
  add(paste(m, "too early"), m, weekly, 52, from = 100)
}
add("farrington powertrans 1/2", "farrington", outbreak, 52, list(powertrans = "1/2"))
add("farrington powertrans none", "farrington", outbreak, 52, list(powertrans = "none"))
add("farrington b 5 monthly", "farrington", seasonal(90, 12, base = 10), 12, list(b = 5))
add("farrington 4 periods", "farrington", outbreak, 52, list(noPeriods = 4))
add("farrington nbPlugin", "farrington", outbreak, 52, list(thresholdMethod = "nbPlugin"))
add("farrington limit54 off", "farrington", weekly[1:220], 52, list(limit54 = c(0, 4)))
add("noufaily monthly 4 periods 6 excluded", "noufaily", monthly, 12, list(noPeriods = 4, pastWeeksNotIncluded = 6))

add("cusum zero", "cusum", rep(0, 80), 52)
add("cusum zero reference then cases", "cusum", c(rep(0, 52), 2, 0, 1, 3), 52)
add("cusum constant", "cusum", rep(5, 80), 52)
add("cusum single spike", "cusum", spike(80, 60, 30, base = 3), 52)
add("cusum exactly long enough", "cusum", weekly[1:53], 52)
add("cusum weekly outbreak", "cusum", outbreak, 52)
add("cusum monthly", "cusum", monthly, 12)
add("cusum daily", "cusum", daily[1:500], 365)
add("cusum k h m", "cusum", outbreak, 52, list(k = 0.5, h = 4, m = 4))

writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, null = "null", pretty = FALSE), "cases.json")
cat(length(cases), "cases written\n")
