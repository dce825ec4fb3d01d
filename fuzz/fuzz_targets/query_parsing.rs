//! Any bytes as the query string of each route that reads one: typed by its schema, then
//! validated, with every message built, and never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use web::schemas::Schemas;

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| Schemas::load().expect("the schemas compile"));
const QUERIES: [&str; 2] = ["company-search", "job-search"];

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    for name in QUERIES {
        if let Ok(typed) = SCHEMAS.query_as_json(name, &query) {
            let _ = SCHEMAS.validate(name, &typed);
        }
    }
});
