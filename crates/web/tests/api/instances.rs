//! Several `jobboard` processes on one Postgres, as behind a load balancer: what one instance
//! does, the others see. The live feed travels through Postgres (LISTEN/NOTIFY), and sessions
//! live in its tables.

use std::time::Instant;

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
