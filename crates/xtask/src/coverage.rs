//! `cargo xtask coverage`: which lines of the product each layer's tests run, layer by layer
//! and all together, crate by crate.
//!
//! cargo-llvm-cov is the field's tool and runs nextest's profiles directly, but it needs the
//! toolchain's `llvm-tools` component. Where that is missing (and cannot be downloaded), the
//! same profiles run under cargo-tarpaulin's LLVM engine, which reads the raw profiles
//! itself. The report names the tool that produced its figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The analysis, beside the pyramid's other results.
pub const REPORT_FILE: &str = "coverage.json";

/// Lines of one crate: how many can be run, how many a layer's tests ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lines {
    pub covered: usize,
    pub coverable: usize,
}

impl Lines {
    pub fn percent(self) -> Option<f64> {
        (self.coverable > 0).then(|| self.covered as f64 * 100.0 / self.coverable as f64)
    }

    fn add(self, other: Lines) -> Lines {
        Lines { covered: self.covered + other.covered, coverable: self.coverable + other.coverable }
    }
}

/// A coverage run, per layer (and `all`), per crate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The tool and its version, e.g. `cargo-tarpaulin 0.37.5 (llvm engine)`.
    pub tool: String,
    pub commit: String,
    pub measured_at: String,
    /// Layer name (or `all`) → crate → lines.
    pub layers: BTreeMap<String, BTreeMap<String, Lines>>,
}

impl CoverageReport {
    /// The product's lines `layer` covers, all crates together.
    pub fn product(&self, layer: &str) -> Option<Lines> {
        let crates = self.layers.get(layer)?;
        Some(crates.values().fold(Lines::default(), |sum, lines| sum.add(*lines)))
    }
}
