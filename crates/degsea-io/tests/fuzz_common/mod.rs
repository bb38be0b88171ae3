//! What the reader proptests share: a byte-soup strategy built from a file kind's tokens, the
//! error-message check and a file writer.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// Cap on generated input size, keeping each case fast.
pub const MAX_BYTES: usize = 400;

/// Inputs mixing `tokens` (3 in 4 pieces) with random bytes, truncated to [`MAX_BYTES`].
pub fn input(tokens: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => prop::sample::select(tokens).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|parts| {
        let mut v = parts.concat();
        v.truncate(MAX_BYTES);
        v
    })
}

/// Every error message names the file and prints no control character.
pub fn check_error(e: &degsea_io::Error, file: &str) {
    let msg = e.to_string();
    assert!(msg.contains(file), "error does not name {file}: {msg}");
    assert!(!msg.chars().any(char::is_control), "control character in error: {msg:?}");
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).expect("write test input");
    p
}
