//! degsea-sim: see crates/README.md. Under construction.
