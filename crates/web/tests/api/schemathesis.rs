//! The API document as a contract, checked from outside: schemathesis generates requests from
//! `/openapi.json` against the real binary over Postgres and checks every answer against it.
//! Zero server errors, zero answers its schemas refuse, zero statuses or headers it does not
//! list, and no valid input refused (`.config/schemathesis.toml` has the settings and the two
//! exceptions, each explained).

use testkit::TestApp;
use testkit::fixtures::a_user;
use testkit::schemathesis::{Findings, Pass, run};

use crate::black_box::{SECRET, binary};

/// What ends the admin's own session: a pass that may call these cannot go on as the admin.
const ENDS_THE_CALLERS_SESSION: [&str; 3] =
    ["POST /auth/logout-all", "DELETE /users/{username}", "PATCH /users/{username}"];

#[tokio::test]
async fn schemathesis_finds_nothing_as_an_admin_or_anonymously() {
    let app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET)]).await;
    let admin = app.admin(&a_user().named("contract-admin")).await;

    // Anonymous last: its wrong guesses at /auth/token lock this client out of logging in.
    let passes = [
        run(
            &app,
            Pass { name: "admin", bearer: Some(&admin.token), except: &ENDS_THE_CALLERS_SESSION, ..Pass::default() },
        )
        .await,
        // Without the stateful phase, which would follow `GET /users` to the admin's own name
        // (and the config keeps the name in the token out of these two operations).
        run(
            &app,
            Pass {
                name: "admin-on-other-accounts",
                bearer: Some(&admin.token),
                only: &ENDS_THE_CALLERS_SESSION[1..],
                phases: Some("coverage,fuzzing"),
                ..Pass::default()
            },
        )
        .await,
        run(&app, Pass { name: "anonymous", ..Pass::default() }).await,
    ];

    for Findings { pass, generated, failures, errors, refused_every_time, output } in &passes {
        println!("schemathesis, {pass}: {generated} test cases, {} failures, {} errors", failures.len(), errors.len());
        assert!(failures.is_empty() && errors.is_empty(), "{pass}: {failures:#?} {errors:#?}\n{output}");
        assert!(*generated > 0, "{pass} generated no test case:\n{output}");
        if pass.starts_with("admin") {
            assert_eq!(refused_every_time, &Vec::<String>::new(), "{pass} lost its session:\n{output}");
        }
    }
}
