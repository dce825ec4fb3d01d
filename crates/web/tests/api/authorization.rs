//! Every API route, called by every kind of caller, against the status the access rule
//! promises. One table, one check per row: a new route without a row fails
//! `every_route_has_a_row`.

use serde_json::{Value, json};
use testkit::fixtures::{a_company, a_job, a_user};
use testkit::world::{World, world};
use web::api::routes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    User,
    OtherUser,
    Admin,
}

const ROLES: [Role; 4] = [Role::Anonymous, Role::User, Role::OtherUser, Role::Admin];

/// (method, path as routed, expected status for anonymous, user, other user, admin).
/// "{username}" is the world's `user`; "{id}" its job.
const TABLE: &[(&str, &str, [u16; 4])] = &[
    ("POST", "/auth/token", [200, 200, 200, 200]),
    ("POST", "/auth/register", [201, 201, 201, 201]),
    ("POST", "/auth/refresh", [200, 200, 200, 200]),
    ("POST", "/auth/verify", [200, 200, 200, 200]),
    ("POST", "/auth/logout", [401, 204, 204, 204]),
    ("POST", "/auth/logout-all", [401, 204, 204, 204]),
    ("GET", "/.well-known/jwks.json", [404, 404, 404, 404]),
    ("GET", "/companies", [200, 200, 200, 200]),
    ("POST", "/companies", [401, 403, 403, 201]),
    ("GET", "/companies/{handle}", [200, 200, 200, 200]),
    ("PATCH", "/companies/{handle}", [401, 403, 403, 200]),
    ("DELETE", "/companies/{handle}", [401, 403, 403, 200]),
    ("GET", "/jobs", [200, 200, 200, 200]),
    ("POST", "/jobs", [401, 403, 403, 201]),
    ("GET", "/jobs/{id}", [200, 200, 200, 200]),
    ("PATCH", "/jobs/{id}", [401, 403, 403, 200]),
    ("DELETE", "/jobs/{id}", [401, 403, 403, 200]),
    ("POST", "/users", [401, 403, 403, 201]),
    ("GET", "/users", [401, 403, 403, 200]),
    ("GET", "/users/{username}", [401, 200, 403, 200]),
    ("PATCH", "/users/{username}", [401, 200, 403, 200]),
    ("DELETE", "/users/{username}", [401, 200, 403, 200]),
    ("POST", "/users/{username}/jobs/{id}", [401, 201, 403, 201]),
    // In-process there is no connection to upgrade: 426 means the caller was let through.
    ("GET", "/ws", [401, 426, 426, 426]),
    ("GET", "/healthz", [200, 200, 200, 200]),
    ("GET", "/readyz", [200, 200, 200, 200]),
    ("GET", "/openapi.json", [200, 200, 200, 200]),
];

/// A valid body for the route, so that only the caller decides the outcome.
fn body_for(method: &str, path: &str, world: &World, role: Role) -> Option<Value> {
    let own_refresh = match role {
        Role::Anonymous | Role::User => &world.user.refresh,
        Role::OtherUser => &world.other.refresh,
        Role::Admin => &world.admin.refresh,
    };
    Some(match (method, path) {
        ("POST", "/auth/token") => json!({ "username": world.user.username, "password": world.user.password }),
        ("POST", "/auth/register") => a_user().named("newcomer").registration(),
        ("POST", "/auth/refresh") => json!({ "refresh": world.user.refresh }),
        ("POST", "/auth/verify") => json!({ "token": world.user.token }),
        ("POST", "/auth/logout") => json!({ "refresh": own_refresh }),
        ("POST", "/companies") => a_company().named("globex").body(),
        ("PATCH", "/companies/{handle}") => json!({ "numEmployees": 11 }),
        ("POST", "/jobs") => a_job().at(&world.company).body(),
        ("PATCH", "/jobs/{id}") => json!({ "salary": 1 }),
        ("POST", "/users") => a_user().named("hired").registration(),
        ("PATCH", "/users/{username}") => json!({ "firstName": "Renamed" }),
        _ => return None,
    })
}

async fn status_of(method: &str, path: &str, role: Role) -> u16 {
    let world = world().await;
    let concrete = path
        .replace("{handle}", &world.company)
        .replace("{username}", &world.user.username)
        .replace("{id}", &world.job.to_string());
    let client = match role {
        Role::Anonymous => world.anonymous(),
        Role::User => world.as_user(),
        Role::OtherUser => world.as_other(),
        Role::Admin => world.as_admin(),
    };
    let answer = match path {
        "/ws" => client.ask_for_feed().await,
        _ => client.send(method, &concrete, body_for(method, path, &world, role).as_ref()).await,
    };
    answer.status.as_u16()
}

#[tokio::test]
async fn every_route_answers_every_role_as_its_access_rule_says() {
    let mut mismatches = Vec::new();
    for (method, path, expected) in TABLE {
        for (role, expected) in ROLES.iter().zip(expected) {
            let status = status_of(method, path, *role).await;
            if status != *expected {
                mismatches.push(format!("{method} {path} as {role:?}: expected {expected}, got {status}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        TABLE.len() * ROLES.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_route_has_a_row() {
    let mut routed: Vec<(String, String)> =
        routes().iter().map(|r| (r.method.to_string(), r.path.to_owned())).collect();
    let mut tabled: Vec<(String, String)> = TABLE.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    routed.sort();
    tabled.sort();
    assert_eq!(routed, tabled);
}
