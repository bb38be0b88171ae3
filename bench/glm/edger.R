# The reference edgeR 3.40.2 GLM quasi-likelihood session of GLM.md G0, timed per stage:
# model.matrix(~ COVARIATE + group), DGEList, filterByExpr(y, design), calcNormFactors,
# estimateDisp(y, design), glmQLFit(y, design), glmQLFTest(fit, coef = "grouptest"), topTags.
# Writes the timings and the topTags table (for the comparison with degsea).
# usage: Rscript bench/glm/edger.R COUNTS SAMPLES COLUMN TEST_LEVEL REF_LEVEL COVARIATE TIMINGS_OUT TABLE_OUT
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(edgeR))
t <- list()
tic <- function() proc.time()[["elapsed"]]
t0 <- tic()
counts <- as.matrix(read.delim(args[1], row.names = 1, check.names = FALSE))
samples <- read.delim(args[2], row.names = 1, check.names = FALSE, colClasses = "character")
t$read <- tic() - t0
s <- tic()
samples <- samples[colnames(counts), , drop = FALSE]
lev <- samples[, args[3]]
use <- lev %in% c(args[4], args[5])
group <- factor(ifelse(lev[use] == args[4], "test", "base"), levels = c("base", "test"))
covariate <- factor(samples[use, args[6]])
design <- model.matrix(~ covariate + group)
y <- DGEList(counts[, use], group = group)
keep <- filterByExpr(y, design)
y <- y[keep, , keep.lib.sizes = FALSE]
t$filter <- tic() - s; s <- tic()
y <- calcNormFactors(y)
t$tmm <- tic() - s; s <- tic()
y <- estimateDisp(y, design)
t$estimateDisp <- tic() - s; s <- tic()
fit <- glmQLFit(y, design)
t$glmQLFit <- tic() - s; s <- tic()
res <- glmQLFTest(fit, coef = "grouptest")
tt <- topTags(res, n = Inf)$table
t$glmQLFTest <- tic() - s
t$stages <- t$filter + t$tmm + t$estimateDisp + t$glmQLFit + t$glmQLFTest
write.table(data.frame(stage = names(t), seconds = unlist(t)), args[7], sep = "\t",
            quote = FALSE, row.names = FALSE)
write.table(data.frame(gene = rownames(tt), tt, check.names = FALSE), args[8], sep = "\t",
            quote = FALSE, row.names = FALSE)
