//! degsea-de: see crates/README.md. Under construction.
