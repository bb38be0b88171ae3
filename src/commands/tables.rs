//! Table writers shared by `normalize`, `de` and `run`: `filter.tsv` and `norm_factors.tsv`
//! (the formats `degsea normalize` defines), so every command writes them identically.

use std::io::{self, Write};

use degsea_core::TwoGroups;
use degsea_de::Prepared;
use degsea_io::table::{r_bool, write_f64};

/// Writes `filter.tsv`: `gene keep` with R's `TRUE`/`FALSE`, one row per input gene.
pub(crate) fn write_filter(w: &mut impl Write, genes: &[String], keep: &[bool]) -> io::Result<()> {
    writeln!(w, "gene\tkeep")?;
    for (g, &k) in genes.iter().zip(keep) {
        writeln!(w, "{g}\t{}", r_bool(k))?;
    }
    w.flush()
}

/// Writes `norm_factors.tsv`: `sample group lib_size norm_factor eff_lib_size`, one row per
/// analysed sample, the group named by the contrast's labels.
pub(crate) fn write_norm_factors(
    w: &mut impl Write,
    prepared: &Prepared,
    groups: &TwoGroups,
) -> io::Result<()> {
    writeln!(w, "sample\tgroup\tlib_size\tnorm_factor\teff_lib_size")?;
    let eff = prepared.eff_lib_sizes();
    for (j, s) in prepared.counts.samples().iter().enumerate() {
        let group = if prepared.group[j] == 1 { &groups.test_label } else { &groups.reference_label };
        write!(w, "{s}\t{group}\t")?;
        write_f64(w, prepared.lib_sizes[j])?;
        w.write_all(b"\t")?;
        write_f64(w, prepared.norm_factors[j])?;
        w.write_all(b"\t")?;
        write_f64(w, eff[j])?;
        w.write_all(b"\n")?;
    }
    w.flush()
}
