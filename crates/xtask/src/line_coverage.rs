//! Line coverage, per layer and per crate: the counts, and LCOV (which both coverage tools
//! write) read into them. Running the tools is `coverage`'s.

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

/// The product's crates, whose lines are counted.
pub const PRODUCT_CRATES: [&str; 5] = ["domain", "auth", "usecases", "store", "web"];

/// What "every layer together" is called among the layers.
pub const ALL_LAYERS: &str = "all";

/// Which lines of which file ran: path → line → hits, as LCOV's `SF:`/`DA:` records say.
#[derive(Debug, Default, Clone)]
pub struct LineHits(BTreeMap<String, BTreeMap<u32, u64>>);

impl LineHits {
    /// Reads an LCOV tracefile (both tools write one).
    pub fn from_lcov(text: &str) -> Self {
        let mut hits = LineHits::default();
        let mut file: Option<String> = None;
        for line in text.lines() {
            if let Some(path) = line.strip_prefix("SF:") {
                file = Some(path.to_owned());
            } else if line == "end_of_record" {
                file = None;
            } else if let (Some(path), Some(record)) = (&file, line.strip_prefix("DA:")) {
                let mut fields = record.split(',');
                let (Some(Ok(number)), Some(Ok(count))) =
                    (fields.next().map(str::parse::<u32>), fields.next().map(str::parse::<u64>))
                else {
                    continue;
                };
                let lines = hits.0.entry(path.clone()).or_default();
                *lines.entry(number).or_default() += count;
            }
        }
        hits
    }

    /// The lines either ran: a line is covered if some layer ran it.
    pub fn union(&mut self, other: &LineHits) {
        for (path, lines) in &other.0 {
            let mine = self.0.entry(path.clone()).or_default();
            for (&number, &count) in lines {
                *mine.entry(number).or_default() += count;
            }
        }
    }

    /// Lines per product crate; files outside the product's `src/` are left out.
    pub fn per_crate(&self) -> BTreeMap<String, Lines> {
        self.per_crate_of(self)
    }

    /// Lines per product crate, counting as coverable every line `universe` can run: a layer
    /// whose binaries never link a file (e2e and `main.rs`) reports none of its lines, and
    /// they are still lines it did not run.
    pub fn per_crate_of(&self, universe: &LineHits) -> BTreeMap<String, Lines> {
        let mut crates: BTreeMap<String, Lines> =
            PRODUCT_CRATES.iter().map(|name| ((*name).to_owned(), Lines::default())).collect();
        for (path, lines) in &universe.0 {
            let Some(name) = product_crate_of(path) else { continue };
            let mine = self.0.get(path);
            let entry = crates.entry(name.to_owned()).or_default();
            entry.coverable += lines.len();
            entry.covered += lines
                .keys()
                .filter(|number| mine.and_then(|hits| hits.get(number)).is_some_and(|&count| count > 0))
                .count();
        }
        crates
    }
}

/// The product crate whose source `path` is, if any: `…/crates/<name>/src/…`.
fn product_crate_of(path: &str) -> Option<&'static str> {
    PRODUCT_CRATES.into_iter().find(|name| path.contains(&format!("crates/{name}/src/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LCOV: &str = "\
SF:/work/crates/domain/src/job.rs
DA:1,3
DA:2,0
DA:3,1
end_of_record
SF:/work/crates/testkit/src/app.rs
DA:1,1
end_of_record
";

    #[test]
    fn lcov_lines_are_counted_per_product_crate_and_the_harness_is_left_out() {
        let crates = LineHits::from_lcov(LCOV).per_crate();

        assert_eq!(crates["domain"], Lines { covered: 2, coverable: 3 });
        assert_eq!(crates["web"], Lines::default());
        assert!(!crates.contains_key("testkit"));
    }

    #[test]
    fn every_layer_together_covers_a_line_any_layer_ran() {
        let mut all = LineHits::from_lcov(LCOV);
        let other = LineHits::from_lcov("SF:/work/crates/domain/src/job.rs\nDA:2,5\nDA:4,0\nend_of_record\n");

        all.union(&other);

        assert_eq!(all.per_crate()["domain"], Lines { covered: 3, coverable: 4 });
    }

    #[test]
    fn a_file_a_layer_never_linked_counts_as_lines_it_did_not_run() {
        let mut all = LineHits::from_lcov(LCOV);
        let e2e = LineHits::from_lcov("SF:/work/crates/web/src/main.rs\nDA:1,1\nend_of_record\n");
        all.union(&e2e);

        let e2e_domain = e2e.per_crate_of(&all)["domain"];

        assert_eq!(e2e_domain, Lines { covered: 0, coverable: 3 });
    }

    #[test]
    fn the_product_line_share_sums_the_crates() {
        let mut layers = BTreeMap::new();
        layers.insert(
            "unit".to_owned(),
            BTreeMap::from([
                ("domain".to_owned(), Lines { covered: 3, coverable: 4 }),
                ("web".to_owned(), Lines { covered: 1, coverable: 4 }),
            ]),
        );
        let report = CoverageReport { layers, ..CoverageReport::default() };

        assert_eq!(report.product("unit").and_then(Lines::percent), Some(50.0));
        assert_eq!(report.product("e2e"), None);
    }
}
