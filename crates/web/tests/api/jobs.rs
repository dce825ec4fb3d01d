//! `/jobs`, every path of it, in-process.

use reqwest::StatusCode;
use serde_json::json;
use testkit::fixtures::a_job;
use testkit::world::world;

#[tokio::test]
async fn a_job_is_shown_with_its_company_and_exact_equity() {
    let world = world().await;

    let job = world.anonymous().job(world.job).await.expect(200)["job"].clone();

    assert_eq!((job["equity"].clone(), job["salary"].clone()), (json!("0.05"), json!(100000)));
    assert_eq!(job["company"]["handle"], "acme");
}

#[tokio::test]
async fn a_job_for_an_unknown_company_is_a_404_not_a_500() {
    let world = world().await;

    let answer = world.as_admin().post_job(&a_job().at("nope")).await;

    assert_eq!((answer.status, answer.error_message()), (StatusCode::NOT_FOUND, json!("company 'nope' not found")));
}

#[tokio::test]
async fn an_id_that_is_not_a_number_or_not_a_job_is_a_404() {
    let world = world().await;

    for path in ["/jobs/abc", "/jobs/0", "/jobs/99999", "/jobs/99999999999999"] {
        assert_eq!(world.app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_job_update_can_clear_equity_but_never_move_the_job() {
    let world = world().await;

    let cleared = world.as_admin().update_job(world.job, &json!({ "equity": null })).await;
    let moved = world.as_admin().update_job(world.job, &json!({ "companyHandle": "other" })).await;

    assert_eq!(cleared.json()["job"]["equity"], json!(null));
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn job_filters_select_by_title_salary_and_equity() {
    let world = world().await;
    world.as_admin().post_job(&a_job().titled("Welder").paying(10).with_equity(None)).await.expect(201);
    world.as_admin().post_job(&a_job().titled("welding lead").paying(1000).with_equity(Some("0"))).await.expect(201);
    let titles = async |query: &str| {
        let jobs = world.anonymous().jobs(query).await.expect(200);
        jobs["jobs"].as_array().unwrap().iter().map(|j| j["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };

    assert_eq!(titles("title=WELD").await, ["Welder", "welding lead"]);
    assert_eq!(titles("minSalary=1000").await, ["Engineer", "welding lead"]);
    assert_eq!(titles("hasEquity=true").await, ["Engineer"], "equity 0 is no equity");
    assert_eq!(titles("hasEquity=false").await.len(), 3, "false does not filter");
}

#[tokio::test]
async fn deleting_a_job_answers_its_id() {
    let world = world().await;

    let answer = world.as_admin().delete_job(world.job).await;

    assert_eq!(answer.json(), json!({ "deleted": world.job }));
}
