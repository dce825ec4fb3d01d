//! Several `jobboard` processes on one Postgres, as behind a load balancer: what one instance
//! does, the others see. The live feed travels through Postgres (LISTEN/NOTIFY); sessions and
//! the login throttle live in its tables.

use std::time::Instant;

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use sqlx::PgPool;
use testkit::TestApp;
use testkit::client::Request;
use testkit::fixtures::{a_company, a_job, a_user};

use crate::black_box::{SECRET, binary};

async fn two_instances() -> (TestApp, TestApp) {
    let first = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET)]).await;
    let second = first.another_instance(&binary(), &[("JWT_SECRET", SECRET)]).await;
    (first, second)
}

#[tokio::test]
async fn a_job_posted_on_one_instance_reaches_the_feeds_open_on_another() {
    let (first, second) = two_instances().await;
    let admin = first.admin(&a_user().named("root")).await;
    let user = second.signed_up(&a_user()).await;
    let mut feed = second.as_user(&user).open_feed().await.unwrap();
    first.as_user(&admin).create_company(&a_company()).await.expect(201);

    let mut latencies = Vec::new();
    for n in 0..20 {
        let posted_at = Instant::now();
        let posted = first.as_user(&admin).post_job(&a_job().titled(&format!("Engineer {n}"))).await.expect(201);
        let event = feed.next_event().await;
        latencies.push(posted_at.elapsed());

        assert_eq!((&event["type"], &event["job"]), (&"jobPosted".into(), &posted["job"]));
    }
    latencies.sort();
    println!("a job posted on one instance reached a feed on the other in {:?} (median of 20)", latencies[10]);
}

#[tokio::test]
async fn a_session_ended_on_one_instance_is_refused_by_the_other_at_the_next_request() {
    let (first, second) = two_instances().await;
    let user = first.signed_up(&a_user()).await;
    assert_eq!(second.as_user(&user).user("ada").await.status, 200);

    first.as_user(&user).log_out_everywhere().await;

    assert_eq!(second.as_user(&user).user("ada").await.status, 401);
}

#[tokio::test]
async fn guesses_spread_over_two_instances_are_held_to_one_limit() {
    // Behind the load balancer, so each guess names its own address.
    let behind_a_proxy = [("JWT_SECRET", SECRET), ("TRUSTED_PROXIES", "127.0.0.0/8")];
    let first = TestApp::binary(&binary(), &behind_a_proxy).await;
    let second = first.another_instance(&binary(), &behind_a_proxy).await;
    first.signed_up(&a_user()).await;
    let wrong = a_user().with_password("not the password").credentials();

    let guesses = (0..30).map(|n| {
        let instance = if n % 2 == 0 { &first } else { &second };
        let guess =
            Request::new(Method::POST, "/auth/token").header("x-forwarded-for", &format!("10.0.0.{n}")).json(&wrong);
        async move { instance.send(guess).await.status }
    });
    let answers = join_all(guesses).await;

    let checked = answers.iter().filter(|status| **status == StatusCode::UNAUTHORIZED).count();
    let throttled = answers.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count();
    println!("of 30 concurrent guesses over two instances, {checked} were checked and {throttled} throttled");
    assert_eq!((checked, throttled), (5, 25), "one limit for both instances: {answers:?}");
}

/// Backends of this test's database whose last statement was the feed's `LISTEN`.
async fn listening_backends(database: &PgPool) -> Vec<i32> {
    sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'")
        .fetch_all(database)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_feed_hears_events_again_once_its_dropped_database_connection_is_back() {
    let mut app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET)]).await;
    let admin = app.admin(&a_user().named("root")).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    let mut feed = app.as_user(&admin).open_feed().await.unwrap();
    let database = PgPool::connect(app.database().unwrap().url()).await.unwrap();
    let before = listening_backends(&database).await;

    let dropped: Vec<bool> = sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid")
        .bind(&before)
        .fetch_all(&database)
        .await
        .unwrap();
    let mut after = listening_backends(&database).await;
    while after.is_empty() || after == before {
        after = listening_backends(&database).await;
    }
    let posted = app.as_user(&admin).post_job(&a_job()).await.expect(201);

    assert_eq!(dropped, [true], "the instance listened on one connection, which was dropped");
    assert_eq!(feed.next_event().await["job"], posted["job"]);
    assert!(app.process().logs().contains("events sent meanwhile are missed"), "the gap is logged");
}
