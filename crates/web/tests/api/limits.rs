//! The schema's limits equal the database's: a body at every limit is stored, one past it is a
//! 400, never a 500. Run against Postgres, where a mismatch would surface as a 500.

use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::TestApp;
use testkit::fixtures::{a_company, a_user};

/// (what, method, path, body, expected status). Every username, handle and name is unique, so
/// the cases do not collide in the one database they share.
fn cases() -> Vec<(String, &'static str, String, Value, StatusCode)> {
    let crab = |n: usize| "🦀".repeat(n);
    let ok = StatusCode::CREATED;
    let bad = StatusCode::BAD_REQUEST;
    let mut cases = Vec::new();
    let mut user = |what: &str, field: &str, value: Value, status| {
        let n = cases.len();
        let mut body = a_user().named(&format!("u{n}")).registration();
        body[field] = value;
        cases.push((format!("register {what}"), "POST", "/auth/register".to_owned(), body, status));
    };
    user("username of 25", "username", json!("u".repeat(25)), ok);
    user("username of 26", "username", json!("u".repeat(26)), bad);
    user("password of 8", "password", json!("p".repeat(8)), ok);
    user("password of 7", "password", json!("p".repeat(7)), bad);
    user("password of 128", "password", json!(crab(128)), ok);
    user("password of 129", "password", json!(crab(129)), bad);
    user("firstName of 30", "firstName", json!(crab(30)), ok);
    user("firstName of 31", "firstName", json!(crab(31)), bad);
    user("lastName of 30", "lastName", json!(crab(30)), ok);
    user("lastName of 31", "lastName", json!(crab(31)), bad);
    user("email of 254", "email", json!(format!("{}@{}.com", "e".repeat(120), "d".repeat(129))), ok);
    user("email of 255", "email", json!(format!("{}@{}.com", "e".repeat(121), "d".repeat(129))), bad);

    let mut company = |what: &str, field: &str, value: Value, status| {
        let n = cases.len();
        let mut body = json!({ "handle": format!("c{n}"), "name": format!("Company {n}"), "description": "" });
        body[field] = value;
        cases.push((format!("company {what}"), "POST", "/companies".to_owned(), body, status));
    };
    company("handle of 25", "handle", json!("h".repeat(25)), ok);
    company("handle of 26", "handle", json!("h".repeat(26)), bad);
    company("name of 100", "name", json!(crab(100)), ok);
    company("name of 101", "name", json!(crab(101)), bad);
    company("description of 2000", "description", json!(crab(2000)), ok);
    company("description of 2001", "description", json!(crab(2001)), bad);
    company("numEmployees of 2147483647", "numEmployees", json!(2_147_483_647), ok);
    company("numEmployees of 2147483648", "numEmployees", json!(2_147_483_648_i64), bad);
    company("numEmployees of 0", "numEmployees", json!(0), ok);
    company("numEmployees of -1", "numEmployees", json!(-1), bad);
    company("logoUrl of 2048", "logoUrl", json!(format!("https://{}", "l".repeat(2040))), ok);
    company("logoUrl of 2049", "logoUrl", json!(format!("https://{}", "l".repeat(2041))), bad);

    let mut job = |what: &str, field: &str, value: Value, status| {
        let mut body = json!({ "title": "t", "companyHandle": "limits" });
        body[field] = value;
        cases.push((format!("job {what}"), "POST", "/jobs".to_owned(), body, status));
    };
    job("title of 100", "title", json!(crab(100)), ok);
    job("title of 101", "title", json!(crab(101)), bad);
    job("salary of 2147483647", "salary", json!(2_147_483_647), ok);
    job("salary of 2147483648", "salary", json!(2_147_483_648_i64), bad);
    job("salary of -1", "salary", json!(-1), bad);
    job("equity of 1", "equity", json!("1"), ok);
    job("equity of 1.0000000000000000000000000001", "equity", json!("1.0000000000000000000000000001"), bad);
    job("equity with 28 decimals", "equity", json!("0.0000000000000000000000000001"), ok);
    job("equity with 29 decimals", "equity", json!("0.00000000000000000000000000001"), bad);
    job("equity as a number", "equity", json!(0.5), bad);

    let mut query = |what: &str, path: &str, status| {
        cases.push((format!("query {what}"), "GET", path.to_owned(), json!(null), status))
    };
    query("nameLike of 100", &format!("/companies?nameLike={}", "n".repeat(100)), StatusCode::OK);
    query("nameLike of 101", &format!("/companies?nameLike={}", "n".repeat(101)), bad);
    query("minEmployees of 2147483647", "/companies?minEmployees=2147483647", StatusCode::OK);
    query("minEmployees of 2147483648", "/companies?minEmployees=2147483648", bad);
    query("minSalary of 2147483647", "/jobs?minSalary=2147483647", StatusCode::OK);
    query("minSalary of -1", "/jobs?minSalary=-1", bad);
    cases
}

#[tokio::test]
async fn every_limit_is_accepted_and_one_past_it_is_a_400_never_a_500() {
    let app = TestApp::on_postgres().await;
    let admin = app.as_user(&app.admin(&a_user().named("root")).await);
    admin.create_company(&a_company().named("limits")).await.expect(201);

    let cases = cases();
    let mut mismatches = Vec::new();
    for (what, method, path, body, expected) in &cases {
        let answer = match *method {
            "GET" => admin.get(path).await,
            _ => admin.post(path, body).await,
        };
        if answer.status != *expected {
            mismatches.push(format!("{what}: expected {expected}, got {}: {}", answer.status, answer.body));
        }
    }
    println!("{} limit cases", cases.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} limit cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}
