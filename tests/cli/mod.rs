//! CLI tests, one module per subcommand.

mod basics;
mod count;
mod de;
mod errors;
mod glm;
mod gsea;
mod inputs;
mod manifest;
mod normalize;
mod outputs;
mod phenotype;
mod plot;
mod report;
mod run;
mod simulate;
