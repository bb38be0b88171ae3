//! degsea-gsea: see crates/README.md. Under construction.
