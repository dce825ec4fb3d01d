//! `/ws` on a real socket: the upgrade, who may open it, and what each caller is told.

use futures_util::StreamExt;
use serde_json::{Value, json};
use testkit::TestApp;
use testkit::fixtures::a_user;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

async fn open_feed(
    app: &TestApp,
    token: &str,
    origin: Option<&str>,
) -> Result<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>, u16> {
    let mut request = app.url("/ws").replace("http://", "ws://").into_client_request().unwrap();
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(error) => panic!("{error}"),
    }
}

async fn next_message(
    socket: &mut (
             impl StreamExt<Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>>
             + Unpin
         ),
) -> Value {
    let message =
        tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await.expect("a message within 10 s");
    serde_json::from_str(message.unwrap().unwrap().to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn a_posted_job_reaches_every_open_feed_and_applications_reach_admins_only() {
    let app = TestApp::with_postgres().await;
    let admin = app.registered_admin(&a_user().named("root")).await;
    let user = app.registered(&a_user()).await;
    let mut admin_feed = open_feed(&app, &admin, None).await.unwrap();
    let mut user_feed = open_feed(&app, &user, None).await.unwrap();
    let http = testkit::app::http_client();
    http.post(app.url("/companies"))
        .bearer_auth(&admin)
        .json(&testkit::world::company_body("acme"))
        .send()
        .await
        .unwrap();

    let job =
        http.post(app.url("/jobs")).bearer_auth(&admin).json(&testkit::world::job_body("acme")).send().await.unwrap();
    let job: Value = job.json().await.unwrap();
    let id = job["job"]["id"].as_i64().unwrap();

    assert_eq!(next_message(&mut user_feed).await, json!({ "type": "jobPosted", "job": job["job"] }));
    assert_eq!(next_message(&mut admin_feed).await["type"], "jobPosted");

    http.post(app.url(&format!("/users/ada/jobs/{id}"))).bearer_auth(&user).send().await.unwrap();
    http.post(app.url("/jobs")).bearer_auth(&admin).json(&testkit::world::job_body("acme")).send().await.unwrap();

    assert_eq!(
        next_message(&mut admin_feed).await,
        json!({ "type": "applied", "application": { "username": "ada", "jobId": id } })
    );
    assert_eq!(
        next_message(&mut user_feed).await["type"],
        "jobPosted",
        "the user never saw the application, only the next job"
    );
}

#[tokio::test]
async fn the_feed_refuses_anonymous_and_cross_origin_callers() {
    let app = TestApp::with_memory_store().await;
    let user = app.registered(&a_user()).await;

    let anonymous = open_feed(&app, "not a token", None).await.err();
    let cross_origin = open_feed(&app, &user, Some("https://evil.example")).await.err();
    let same_origin = open_feed(&app, &user, Some(&app.url(""))).await;

    assert_eq!(anonymous, Some(401));
    assert_eq!(cross_origin, Some(403));
    assert!(same_origin.is_ok());
}
