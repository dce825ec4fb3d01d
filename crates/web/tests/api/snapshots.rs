//! Representative responses, as a client sees them, with volatile fields redacted. A change of
//! shape shows up in review as a snapshot diff.

use serde_json::json;
use testkit::fixtures::a_user;
use testkit::world::world;

#[tokio::test]
async fn representative_responses() {
    let world = world().await;
    world.as_user().apply("user", world.job).await.expect(201);

    let login = world.app.log_in(&a_user().named("user")).await.json();
    insta::assert_json_snapshot!("token", login, { ".token" => "[jwt]", ".refresh" => "[jwt]" });
    insta::assert_json_snapshot!("company", world.anonymous().company("acme").await.json(), { ".company.jobs[].id" => "[id]" });
    insta::assert_json_snapshot!("job", world.anonymous().job(world.job).await.json(), { ".job.id" => "[id]" });
    insta::assert_json_snapshot!("user", world.as_user().user("user").await.json(), { ".user.jobs[]" => "[id]" });
    insta::assert_json_snapshot!(
        "violations",
        world.anonymous().post("/auth/register", &json!({ "username": "", "extra": true })).await.json()
    );
    insta::assert_json_snapshot!("forbidden", world.as_user().users().await.json());
}
