//! The layers of the pyramid. Lint is xtask's own; the test layers are nextest profiles in
//! `.config/nextest.toml`, read from there so that this crate never keeps a copy of them.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// Where nextest's configuration, and with it the definition of each test layer, lives.
pub const NEXTEST_CONFIG: &str = ".config/nextest.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Lint,
    Unit,
    Integration,
    E2e,
}

impl Layer {
    /// Fastest first: a red unit test never waits for a browser.
    pub const ALL: [Layer; 4] = [Layer::Lint, Layer::Unit, Layer::Integration, Layer::E2e];

    pub fn name(self) -> &'static str {
        match self {
            Layer::Lint => "lint",
            Layer::Unit => "unit",
            Layer::Integration => "integration",
            Layer::E2e => "e2e",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|layer| layer.name() == name)
    }

    /// The nextest profile of a test layer; lint is not one.
    pub fn nextest_profile(self) -> Option<&'static str> {
        (self != Layer::Lint).then(|| self.name())
    }

    pub fn needs_postgres(self) -> bool {
        matches!(self, Layer::Integration | Layer::E2e)
    }

    pub fn needs_browser(self) -> bool {
        self == Layer::E2e
    }
}

#[derive(Debug, Deserialize)]
struct NextestToml {
    #[serde(default)]
    profile: BTreeMap<String, Profile>,
}

#[derive(Debug, Deserialize)]
struct Profile {
    #[serde(rename = "default-filter")]
    default_filter: Option<String>,
}

/// The filterset of each profile in `.config/nextest.toml`.
#[derive(Debug)]
pub struct Filters(BTreeMap<String, String>);

impl Filters {
    pub fn load(workspace: &Path) -> Result<Self> {
        let path = workspace.join(NEXTEST_CONFIG);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("reading the layer profiles of {}", path.display()))
    }

    fn parse(text: &str) -> Result<Self> {
        let config: NextestToml = toml::from_str(text)?;
        let filters =
            config.profile.into_iter().filter_map(|(name, profile)| Some((name, profile.default_filter?))).collect();
        Ok(Self(filters))
    }

    /// The filterset selecting `layer`'s tests.
    pub fn of(&self, layer: Layer) -> Result<&str> {
        let profile = layer.nextest_profile().with_context(|| format!("{} is not a test layer", layer.name()))?;
        self.0
            .get(profile)
            .map(String::as_str)
            .with_context(|| format!("no `[profile.{profile}]` with a `default-filter` in {NEXTEST_CONFIG}"))
    }
}

/// The cargo targets to build for a layer whose tests `filter` selects. When the filter can
/// only match libraries and binaries, only their test targets are built: a red unit test then
/// never waits for the integration tests to link. Anything else builds the whole workspace.
///
/// Narrowing by package (`-p e2e` for `package(e2e)`) would build less, but cargo resolves the
/// features of that package's dependencies alone, differently from the workspace build before
/// it: the shared crates would compile twice in a full run.
pub fn build_selection(filter: &str) -> Vec<&'static str> {
    let terms: Vec<&str> = filter.split('|').map(str::trim).collect();
    if !terms.iter().all(|term| ["kind(lib)", "kind(bin)"].contains(term)) {
        return vec!["--workspace"];
    }
    let mut selection = vec!["--workspace"];
    if terms.contains(&"kind(lib)") {
        selection.push("--lib");
    }
    if terms.contains(&"kind(bin)") {
        selection.push("--bins");
    }
    selection
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap()
    }

    #[test]
    fn every_test_layer_is_a_nextest_profile_with_a_filter() {
        let filters = Filters::load(workspace()).unwrap();

        for layer in Layer::ALL.into_iter().filter(|layer| layer.nextest_profile().is_some()) {
            assert!(filters.of(layer).is_ok(), "{} has no profile in {NEXTEST_CONFIG}", layer.name());
        }
    }

    #[test]
    fn a_layer_missing_from_the_configuration_is_named() {
        let filters = Filters::parse("[profile.unit]\ndefault-filter = \"kind(lib)\"\n").unwrap();

        let error = filters.of(Layer::E2e).unwrap_err().to_string();

        assert_eq!(error, "no `[profile.e2e]` with a `default-filter` in .config/nextest.toml");
    }

    #[test]
    fn unit_tests_build_only_libraries_and_binaries() {
        assert_eq!(build_selection("kind(lib) | kind(bin)"), ["--workspace", "--lib", "--bins"]);
        assert_eq!(build_selection("kind(lib)"), ["--workspace", "--lib"]);
    }

    #[test]
    fn any_other_filter_builds_the_whole_workspace() {
        for filter in ["kind(test) & !package(e2e)", "package(e2e)", "kind(lib) | test(login)", "all()"] {
            assert_eq!(build_selection(filter), ["--workspace"], "{filter}");
        }
    }
}
