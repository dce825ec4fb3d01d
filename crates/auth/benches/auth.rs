//! What auth costs per request: signing and verifying a token with each algorithm, and one
//! argon2id hash at the OWASP cost. `cargo bench -p auth` (or `cargo xtask bench auth`).

// Set-up of fixed test keys: a panic here is a broken checkout, not a runtime condition.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use auth::clock::SystemClock;
use auth::keys::{HmacSecret, KeySet, SigningKey, VerifyingKey};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::token::{TokenService, TokenSettings};
use criterion::{Criterion, criterion_group, criterion_main};

fn service(keys: KeySet) -> TokenService {
    TokenService::new(keys, TokenSettings::default(), Arc::new(SystemClock))
}

fn algorithms() -> Vec<(&'static str, TokenService)> {
    let secret = HmacSecret::new(*b"benchmark-secret-of-32-bytes-ok!").expect("32 bytes");
    let ed = KeySet::new(
        SigningKey::ed25519_pem("ed", include_bytes!("../testdata/ed25519-a.pem")).expect("test key"),
        vec![VerifyingKey::ed25519_pem("ed", include_bytes!("../testdata/ed25519-a.pub.pem")).expect("test key")],
    )
    .expect("matching keys");
    let rsa = KeySet::new(
        SigningKey::rs256_pem("rsa", include_bytes!("../testdata/rsa-a.pem")).expect("test key"),
        vec![VerifyingKey::rs256_pem("rsa", include_bytes!("../testdata/rsa-a.pub.pem")).expect("test key")],
    )
    .expect("matching keys");
    vec![("HS256", service(KeySet::hs256("hs", &secret))), ("EdDSA", service(ed)), ("RS256", service(rsa))]
}

fn tokens(c: &mut Criterion) {
    for (name, tokens) in algorithms() {
        let token = tokens.issue_access("ada", 0).expect("signs").token;
        c.bench_function(&format!("{name} sign"), |b| b.iter(|| tokens.issue_access(black_box("ada"), 0)));
        c.bench_function(&format!("{name} verify"), |b| b.iter(|| tokens.verify_access(black_box(&token))));
    }
}

fn passwords(c: &mut Criterion) {
    let passwords = Argon2Passwords::new(Argon2Cost::OWASP).expect("OWASP parameters are valid");
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(20);
    group
        .bench_function("hash (m=19 MiB, t=2, p=1)", |b| b.iter(|| passwords.hash(black_box("correct horse battery"))));
    group.finish();
}

criterion_group!(benches, tokens, passwords);
criterion_main!(benches);
