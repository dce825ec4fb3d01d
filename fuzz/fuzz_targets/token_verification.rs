//! Any bytes as a bearer token: verification answers (almost always "no"), and never panics,
//! whatever the header, payload or signature claims to be.
#![no_main]

use std::sync::{Arc, LazyLock};

use auth::clock::FixedClock;
use auth::keys::{HmacSecret, KeySet};
use auth::token::{TokenService, TokenSettings};
use libfuzzer_sys::fuzz_target;

static TOKENS: LazyLock<TokenService> = LazyLock::new(|| {
    let secret = HmacSecret::new(b"fuzzing-secret-of-thirty-two-b!!".to_vec()).expect("32 bytes");
    TokenService::new(KeySet::hs256("hs-1", &secret), TokenSettings::default(), Arc::new(FixedClock::at(1_750_000_000)))
});

fuzz_target!(|data: &[u8]| {
    let token = String::from_utf8_lossy(data);
    let _ = TOKENS.verify_access(&token);
    let _ = TOKENS.verify_refresh(&token);
});
