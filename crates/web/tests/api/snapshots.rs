//! Representative responses, as a client sees them, with volatile fields redacted. A change of
//! shape shows up in review as a snapshot diff.

use serde_json::json;
use testkit::world::world;

#[tokio::test]
async fn representative_responses() {
    let world = world().await;
    let job = format!("/jobs/{}", world.job);
    world.app.send("POST", &format!("/users/user/jobs/{}", world.job), None, Some(&world.user.token)).await;

    let login = world
        .app
        .post_json("/auth/token", &json!({ "username": "user", "password": world.user.password }))
        .await
        .json();
    insta::assert_json_snapshot!("token", login, { ".token" => "[jwt]", ".refresh" => "[jwt]" });
    insta::assert_json_snapshot!("company", world.app.get("/companies/acme", None).await.json(), { ".company.jobs[].id" => "[id]" });
    insta::assert_json_snapshot!("job", world.app.get(&job, None).await.json(), { ".job.id" => "[id]" });
    insta::assert_json_snapshot!("user", world.app.get("/users/user", Some(&world.user.token)).await.json(), { ".user.jobs[]" => "[id]" });
    insta::assert_json_snapshot!(
        "violations",
        world.app.post_json("/auth/register", &json!({ "username": "", "extra": true })).await.json()
    );
    insta::assert_json_snapshot!("forbidden", world.app.get("/users", Some(&world.user.token)).await.json());
}
