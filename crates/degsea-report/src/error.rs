//! The crate's error type.

/// Why a report cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A plot could not be drawn.
    #[error("report plot: {0}")]
    Plot(#[from] degsea_plot::Error),
    /// The MDS coordinates could not be computed.
    #[error("report: {0}")]
    De(#[from] degsea_de::Error),
    /// A table of the output folder could not be read (the message names file, line, value).
    #[error(transparent)]
    Io(#[from] degsea_io::Error),
    /// The inputs disagree (e.g. a log-CPM matrix with the wrong number of columns).
    #[error("report input: {0}")]
    Input(String),
    /// A file of the output folder is missing or malformed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong, with the line and value where it applies.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
