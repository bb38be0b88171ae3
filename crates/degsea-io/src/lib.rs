//! File formats for degsea: readers for count matrices (TSV/CSV, gzip or plain, featureCounts,
//! HTSeq-count), sample sheets, GMT gene sets and RNK rankings, and atomic writers.
//!
//! Every reader names the file, line and offending value in its errors; every writer goes
//! through [`output::OutputDir`], which stages files and moves them into place only when the
//! whole command has succeeded, so a failed run leaves no partial output.

pub mod output;
pub mod table;
