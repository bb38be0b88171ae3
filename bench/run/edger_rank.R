# The R side of `make bench-run`: edgeR 3.40.2 classic pipeline + the z ranking that
# `degsea run` computes (fgsea itself is not installable here: no Debian package, no CRAN).
# usage: Rscript edger_rank.R counts.tsv samples.tsv column test reference out.rnk
suppressMessages(library(edgeR))
a <- commandArgs(TRUE)
counts <- as.matrix(read.delim(a[1], row.names = 1, check.names = FALSE))
samples <- read.delim(a[2], row.names = 1, check.names = FALSE)
lev <- samples[colnames(counts), a[3]]
test <- strsplit(a[4], "+", fixed = TRUE)[[1]]; ref <- strsplit(a[5], "+", fixed = TRUE)[[1]]
use <- lev %in% c(test, ref)
group <- factor(ifelse(lev[use] %in% test, "test", "base"), levels = c("base", "test"))
y <- DGEList(counts[, use], group = group)
keep <- filterByExpr(y); y <- y[keep, , keep.lib.sizes = FALSE]
y <- calcNormFactors(y); y <- estimateCommonDisp(y); y <- estimateTagwiseDisp(y)
tt <- topTags(exactTest(y), n = Inf, sort.by = "none")$table
z <- sign(tt$logFC) * qnorm(log(tt$PValue) - log(2), lower.tail = FALSE, log.p = TRUE)
write.table(data.frame(rownames(tt), z), a[6], sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE)
