//! Several `jobboard` processes on one Postgres, as behind a load balancer: what one instance
//! does, the others see. The live feed travels through Postgres (LISTEN/NOTIFY), and sessions
//! live in its tables.

use std::time::Instant;

use sqlx::PgPool;
use testkit::TestApp;
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
