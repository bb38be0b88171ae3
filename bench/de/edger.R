# The reference edgeR 3.40.2 classic pipeline, timed per stage (the calls of
# ../shared/reference/*/VERSIONS.txt's pipeline): DGEList, filterByExpr, calcNormFactors,
# estimateCommonDisp, estimateTagwiseDisp, exactTest, topTags.
# usage: Rscript bench/de/edger.R COUNTS SAMPLES COLUMN TEST_LEVEL REF_LEVEL TIMINGS_OUT
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(edgeR))
t <- list()
tic <- function() proc.time()[["elapsed"]]
t0 <- tic()
counts <- as.matrix(read.delim(args[1], row.names = 1, check.names = FALSE))
samples <- read.delim(args[2], row.names = 1, check.names = FALSE, colClasses = "character")
t$read <- tic() - t0
s <- tic()
lev <- samples[colnames(counts), args[3]]
use <- lev %in% c(args[4], args[5])
group <- factor(ifelse(lev[use] == args[4], "test", "base"), levels = c("base", "test"))
y <- DGEList(counts[, use], group = group)
keep <- filterByExpr(y)
y <- y[keep, , keep.lib.sizes = FALSE]
t$filter <- tic() - s; s <- tic()
y <- calcNormFactors(y)
t$tmm <- tic() - s; s <- tic()
y <- estimateCommonDisp(y)
t$common <- tic() - s; s <- tic()
y <- estimateTagwiseDisp(y)
t$tagwise <- tic() - s; s <- tic()
et <- exactTest(y, pair = c("base", "test"))
tt <- topTags(et, n = Inf)$table
t$exact <- tic() - s
t$stages <- t$filter + t$tmm + t$common + t$tagwise + t$exact
write.table(data.frame(stage = names(t), seconds = unlist(t)), args[6], sep = "\t",
            quote = FALSE, row.names = FALSE)
