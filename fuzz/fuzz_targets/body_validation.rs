//! Any bytes as a request body: parsed as JSON, then validated against every body schema with
//! every message built (secrets masked, long values shortened), and never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use web::schemas::Schemas;

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| Schemas::load().expect("the schemas compile"));
const BODIES: [&str; 11] = [
    "company-new",
    "company-update",
    "job-new",
    "job-update",
    "logout-request",
    "refresh-request",
    "register-request",
    "token-request",
    "user-new",
    "user-update",
    "verify-request",
];

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for name in BODIES {
        let _ = SCHEMAS.validate(name, &body);
    }
});
