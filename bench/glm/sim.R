# Simulated negative-binomial count matrix for bench/glm: GENES x SAMPLES with a two-level
# group (A/B, alternating) and a three-level covariate `stage` (I/II/III, 13/11/15 samples for
# 38), gamma-distributed means, log-normal gene-wise dispersions; 5 % of genes changed 3-fold by
# group, 10 % shifted by stage (log2 effects N(0, 1) per non-baseline stage).
# usage: Rscript bench/glm/sim.R OUT_DIR [GENES=60000] [SAMPLES=38] [SEED=1]
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
ng <- if (length(args) >= 2) as.integer(args[2]) else 60000L
ns <- if (length(args) >= 3) as.integer(args[3]) else 38L
seed <- if (length(args) >= 4) as.integer(args[4]) else 1L
set.seed(seed)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
mu0 <- rgamma(ng, shape = 0.4, rate = 0.004)
phi <- 0.12 * exp(rnorm(ng, 0, 0.6))
lib <- exp(rnorm(ns, 0, 0.25))
group <- rep(c("A", "B"), length.out = ns)
sizes <- round(ns * c(13, 11, 15) / 39)
sizes[3] <- ns - sizes[1] - sizes[2]
stage <- sample(rep(c("I", "II", "III"), sizes))
fc <- rep(1, ng)
de <- sample.int(ng, round(0.05 * ng))
fc[de] <- ifelse(runif(length(de)) < 0.5, 3, 1 / 3)
stage_lfc <- matrix(0, ng, 3)
moved <- sample.int(ng, round(0.1 * ng))
stage_lfc[moved, 2:3] <- rnorm(2 * length(moved))
mu <- outer(mu0, lib) * ifelse(matrix(group == "B", ng, ns, byrow = TRUE), fc, 1) *
  2^stage_lfc[, match(stage, c("I", "II", "III"))]
cnt <- matrix(rnbinom(ng * ns, size = 1 / phi, mu = mu), ng, ns)
colnames(cnt) <- sprintf("S%02d", seq_len(ns))
write.table(data.frame(gene = sprintf("G%05d", seq_len(ng)), cnt, check.names = FALSE),
            file.path(out, "counts.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(data.frame(sample = colnames(cnt), group = group, stage = stage),
            file.path(out, "samples.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
