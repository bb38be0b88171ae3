//! SHA-256 of input files, for `run.json` manifests.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::Result;
use crate::lines::io_error;

/// The SHA-256 of a file's bytes (as stored, i.e. of the compressed bytes for a `.gz`), as 64
/// lowercase hex digits. Streams the file in blocks.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let p = dir.path().join("x");
/// std::fs::write(&p, "abc")?;
/// assert_eq!(
///     degsea_io::sha256_file(&p)?,
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    }))
}
