//! degsea-plot: see crates/README.md. Under construction.
