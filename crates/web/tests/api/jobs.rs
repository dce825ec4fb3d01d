//! `/jobs`, every path of it, in-process.

use reqwest::StatusCode;
use serde_json::json;
use testkit::world::{job_body, world};

#[tokio::test]
async fn a_job_is_shown_with_its_company_and_exact_equity() {
    let world = world().await;

    let answer = world.app.get(&format!("/jobs/{}", world.job), None).await;

    assert_eq!(answer.status, StatusCode::OK);
    let job = &answer.json()["job"];
    assert_eq!((job["equity"].clone(), job["salary"].clone()), (json!("0.05"), json!(100000)));
    assert_eq!(job["company"]["handle"], "acme");
}

#[tokio::test]
async fn a_job_for_an_unknown_company_is_a_404_not_a_500() {
    let world = world().await;

    let answer = world.app.send("POST", "/jobs", Some(&job_body("nope")), Some(&world.admin.token)).await;

    assert_eq!(
        (answer.status, answer.json()["error"]["message"].clone()),
        (StatusCode::NOT_FOUND, json!("company 'nope' not found"))
    );
}

#[tokio::test]
async fn an_id_that_is_not_a_number_or_not_a_job_is_a_404() {
    let world = world().await;

    for path in ["/jobs/abc", "/jobs/0", "/jobs/99999", "/jobs/99999999999999"] {
        assert_eq!(world.app.get(path, None).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_job_update_can_clear_equity_but_never_move_the_job() {
    let world = world().await;
    let path = format!("/jobs/{}", world.job);

    let cleared = world.app.send("PATCH", &path, Some(&json!({ "equity": null })), Some(&world.admin.token)).await;
    let moved =
        world.app.send("PATCH", &path, Some(&json!({ "companyHandle": "other" })), Some(&world.admin.token)).await;

    assert_eq!(cleared.json()["job"]["equity"], json!(null));
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn job_filters_select_by_title_salary_and_equity() {
    let world = world().await;
    for (title, salary, equity) in [("Welder", 10, json!(null)), ("welding lead", 1000, json!("0"))] {
        let body = json!({ "title": title, "salary": salary, "equity": equity, "companyHandle": "acme" });
        world.app.send("POST", "/jobs", Some(&body), Some(&world.admin.token)).await;
    }
    let titles = |query: &'static str| {
        let app = &world.app;
        async move {
            let jobs = app.get(&format!("/jobs?{query}"), None).await.json();
            jobs["jobs"].as_array().unwrap().iter().map(|j| j["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };

    assert_eq!(titles("title=WELD").await, ["Welder", "welding lead"]);
    assert_eq!(titles("minSalary=1000").await, ["Engineer", "welding lead"]);
    assert_eq!(titles("hasEquity=true").await, ["Engineer"], "equity 0 is no equity");
    assert_eq!(titles("hasEquity=false").await.len(), 3, "false does not filter");
}

#[tokio::test]
async fn deleting_a_job_answers_its_id() {
    let world = world().await;

    let answer = world.app.send("DELETE", &format!("/jobs/{}", world.job), None, Some(&world.admin.token)).await;

    assert_eq!(answer.json(), json!({ "deleted": world.job }));
}
