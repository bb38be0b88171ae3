# Simulated negative-binomial count matrix for bench/de: GENES x SAMPLES (two equal groups A/B),
# gamma-distributed means, log-normal gene-wise dispersions, 5 % of genes changed 3-fold.
# usage: Rscript bench/de/sim.R OUT_DIR [GENES=60000] [SAMPLES=38] [SEED=1]
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
fc <- rep(1, ng)
de <- sample.int(ng, round(0.05 * ng))
fc[de] <- ifelse(runif(length(de)) < 0.5, 3, 1 / 3)
mu <- outer(mu0, lib) * ifelse(matrix(group == "B", ng, ns, byrow = TRUE), fc, 1)
cnt <- matrix(rnbinom(ng * ns, size = 1 / phi, mu = mu), ng, ns)
colnames(cnt) <- sprintf("S%02d", seq_len(ns))
write.table(data.frame(gene = sprintf("G%05d", seq_len(ng)), cnt, check.names = FALSE),
            file.path(out, "counts.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(data.frame(sample = colnames(cnt), group = group),
            file.path(out, "samples.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
