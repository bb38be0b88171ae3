//! CLI tests, one module per subcommand.

mod basics;
