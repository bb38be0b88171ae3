# The R side of the `degsea normalize` benchmark: what a user runs in R for the same step.
# usage: Rscript edger.R counts.tsv.gz samples.tsv
suppressMessages(library(edgeR))
args <- commandArgs(trailingOnly = TRUE)
counts <- as.matrix(read.delim(gzfile(args[1]), row.names = 1, check.names = FALSE))
samples <- read.delim(args[2], row.names = 1)
group <- factor(samples[colnames(counts), "group"])
y <- DGEList(counts, group = group)
keep <- filterByExpr(y)
y <- y[keep, , keep.lib.sizes = FALSE]
y <- calcNormFactors(y)
cat(sprintf("edgeR %s: kept %d of %d genes\n", packageVersion("edgeR"), sum(keep), length(keep)), file = stderr())
