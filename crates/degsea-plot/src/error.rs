//! The crate's error type.

/// Errors of `degsea-plot`: invalid options or input data, and PNG rendering failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A plot option is outside its valid range.
    #[error("invalid plot option `{name}`: {value} ({reason})")]
    InvalidOption {
        /// Option name as the user knows it (e.g. `width`, `dpi`).
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What a valid value looks like.
        reason: &'static str,
    },
    /// The data to plot is inconsistent (e.g. a hit position outside the ranked list).
    #[error("invalid plot data: {0}")]
    InvalidData(String),
    /// The SVG could not be turned into a raster image.
    #[error("cannot render svg to png: {0}")]
    Render(String),
    /// The PNG encoder failed.
    #[error("cannot encode png")]
    Png(#[from] png::EncodingError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
