//! degsea-stats: see crates/README.md. Under construction.
