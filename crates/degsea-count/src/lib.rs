//! degsea-count: see crates/README.md. Under construction.
