//! The breached-password client against a stub of the range API.

use std::time::Duration;

use auth::breach::{BreachCheck, FailurePolicy, PwnedPasswords, Verdict, sha1_prefix_and_suffix};
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "correct horse battery staple";

fn client(server: &MockServer, policy: FailurePolicy) -> PwnedPasswords {
    PwnedPasswords::new(Url::parse(&format!("{}/", server.uri())).unwrap(), Duration::from_millis(300), policy).unwrap()
}

/// A range response listing `suffix` `count` times among padding and other suffixes.
fn range_body(suffix: &str, count: u64) -> String {
    format!("0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n{suffix}:{count}\r\nFFFF0000FFFF0000FFFF0000FFFF0000FFF:0\r\n")
}

async fn serve_range(server: &MockServer, body: String) {
    let (prefix, _) = sha1_prefix_and_suffix(PASSWORD);
    Mock::given(method("GET"))
        .and(path(format!("/range/{prefix}")))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_password_listed_with_a_count_is_breached() {
    let server = MockServer::start().await;
    let (_, suffix) = sha1_prefix_and_suffix(PASSWORD);
    serve_range(&server, range_body(&suffix.to_lowercase(), 42)).await;

    let verdict = client(&server, FailurePolicy::FailOpen).check(PASSWORD).await.unwrap();

    assert_eq!(verdict, Verdict::Breached { seen: 42 });
}

#[tokio::test]
async fn a_password_not_listed_is_not_found() {
    let server = MockServer::start().await;
    serve_range(&server, range_body("00000000000000000000000000000000000", 3)).await;

    let verdict = client(&server, FailurePolicy::FailOpen).check(PASSWORD).await.unwrap();

    assert_eq!(verdict, Verdict::NotFound);
}

#[tokio::test]
async fn a_padding_entry_with_count_zero_is_not_a_match() {
    let server = MockServer::start().await;
    let (_, suffix) = sha1_prefix_and_suffix(PASSWORD);
    serve_range(&server, range_body(&suffix, 0)).await;

    let verdict = client(&server, FailurePolicy::FailOpen).check(PASSWORD).await.unwrap();

    assert_eq!(verdict, Verdict::NotFound);
}

#[tokio::test]
async fn a_server_error_follows_the_failure_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&server).await;

    let open = client(&server, FailurePolicy::FailOpen).check(PASSWORD).await;
    let closed = client(&server, FailurePolicy::FailClosed).check(PASSWORD).await;

    assert_eq!(open.unwrap(), Verdict::NotChecked);
    assert!(closed.is_err());
}

#[tokio::test]
async fn a_timeout_follows_the_failure_policy() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_string("").set_delay(Duration::from_secs(5));
    Mock::given(method("GET")).respond_with(slow).mount(&server).await;

    let open = client(&server, FailurePolicy::FailOpen).check(PASSWORD).await;
    let closed = client(&server, FailurePolicy::FailClosed).check(PASSWORD).await;

    assert_eq!(open.unwrap(), Verdict::NotChecked);
    assert!(closed.unwrap_err().to_string().contains("could not be asked"));
}

#[tokio::test]
async fn only_the_five_character_prefix_leaves_the_machine() {
    let server = MockServer::start().await;
    let (prefix, suffix) = sha1_prefix_and_suffix(PASSWORD);
    // Checked when `server` is dropped at the end of the test: exactly one padded request for
    // the prefix's range, or the test fails naming this mock.
    Mock::given(method("GET"))
        .and(path(format!("/range/{prefix}")))
        .and(header("Add-Padding", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_string(range_body("00000000000000000000000000000000000", 1)))
        .expect(1)
        .named("one padded range request for the password's prefix")
        .mount(&server)
        .await;

    client(&server, FailurePolicy::FailOpen).check(PASSWORD).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.url.path(), format!("/range/{prefix}"));
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty());
    assert_eq!(request.headers.get("add-padding").map(|v| v.to_str().unwrap()), Some("true"));
    let everything_sent = format!("{} {:?} {:?}", request.url, request.headers, request.body);
    for secret in [PASSWORD, &suffix, &suffix.to_lowercase()] {
        assert!(!everything_sent.contains(secret), "{secret:?} was sent");
    }
}
