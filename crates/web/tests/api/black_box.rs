//! The real `jobboard` binary over Postgres, driven from outside: configuration, the admin
//! command, whole flows, signals and logs.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use testkit::fixtures::{a_company, a_job, a_user};
use testkit::process::run_binary;
use testkit::{TestApp, TestDatabase};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The binary under test. nextest says where it is at run time, which is also right when the
/// tests run from an archive built on another machine (CI's build-once pipeline); `cargo test`
/// only says it at compile time.
pub fn binary() -> String {
    std::env::var("NEXTEST_BIN_EXE_jobboard").unwrap_or_else(|_| env!("CARGO_BIN_EXE_jobboard").to_owned())
}
pub const SECRET: &str = "black-box-test-secret-of-32-bytes!";
/// Too short to be accepted, and unlike any word an error message would use.
const SHORT_SECRET: &str = "s3cr3t-t00-sh0rt";

async fn jobboard() -> TestApp {
    TestApp::binary(&binary(), &[("JWT_SECRET", SECRET)]).await
}

#[tokio::test]
async fn a_session_lives_through_register_login_refresh_and_dies_at_logout() {
    let app = jobboard().await;
    app.signed_up(&a_user()).await;

    let login = app.logged_in(&a_user()).await;
    let refreshed = app.anonymous().refresh(&login.refresh).await.expect(200);
    let (token, refresh) = (refreshed["token"].as_str().unwrap(), refreshed["refresh"].as_str().unwrap());
    assert_eq!(app.with_token(token).user("ada").await.status, StatusCode::OK);

    let logout = app.with_token(token).log_out(refresh).await;

    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert_eq!(app.with_token(token).user("ada").await.status, StatusCode::UNAUTHORIZED, "refused after logout");
    assert_eq!(app.anonymous().refresh(refresh).await.status, StatusCode::UNAUTHORIZED);
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'ada'")
        .fetch_one(app.database().unwrap().pool())
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "production cost in the binary: {stored}");
}

#[tokio::test]
async fn an_admin_made_by_create_admin_posts_a_company_and_a_job_and_a_user_applies() {
    let database = TestDatabase::new().await;
    let env = [("DATABASE_URL", database.url()), ("JWT_SECRET", SECRET)];

    let created = run_binary(&binary(), &["create-admin", "root"], &env, "a long admin passphrase\n").await;

    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert_eq!(String::from_utf8_lossy(&created.stdout).trim(), "created admin root");
    let app = TestApp::binary_over(&binary(), database, &[("JWT_SECRET", SECRET)]).await;
    let admin = app.logged_in(&a_user().named("root").with_password("a long admin passphrase")).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    let id = app.as_user(&admin).post_job(&a_job()).await.expect(201)["job"]["id"].as_i64().unwrap();
    let user = app.signed_up(&a_user()).await;

    app.as_user(&user).apply("ada", id).await.expect(201);

    assert_eq!(app.as_user(&admin).user("ada").await.expect(200)["user"]["jobs"], json!([id]));
}

#[tokio::test]
async fn sigterm_lets_a_request_already_in_flight_finish_with_success() {
    let mut app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("RUST_LOG", "info,tower_http=debug")]).await;
    let body = a_user().registration().to_string();
    let (first, rest) = body.split_at(20);
    // Raw bytes are the point: half a request, the rest after SIGTERM.
    let mut connection = tokio::net::TcpStream::connect(app.address()).await.unwrap();
    let head = format!(
        "POST /auth/register HTTP/1.1\r\nHost: jobboard\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    connection.write_all(format!("{head}{first}").as_bytes()).await.unwrap();
    app.process().wait_for_log("started processing request").await;

    app.process().terminate();
    app.process().wait_for_log("shutting down").await;
    connection.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    connection.read_to_string(&mut response).await.unwrap();

    assert!(response.starts_with("HTTP/1.1 201"), "the slow request completed: {response}");
    assert!(app.process().wait_for_exit().await.success(), "then the server exited cleanly");
    assert!(app.process().logs().contains("stopped"));
}

/// Half a request header, then nothing: what a slow-loris client sends.
async fn a_stalled_connection(app: &TestApp) -> tokio::net::TcpStream {
    let mut connection = tokio::net::TcpStream::connect(app.address()).await.unwrap();
    connection.write_all(b"GET /healthz HTTP/1.1\r\nHost: jobboard\r\n").await.unwrap();
    connection
}

/// Everything the server sends until it closes the connection; panics if it has not closed it
/// within 20 s.
async fn read_until_closed(connection: &mut tokio::net::TcpStream) -> String {
    let mut received = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), connection.read_to_end(&mut received)).await;
    assert!(closed.is_ok(), "the server kept the connection open; it sent {:?}", String::from_utf8_lossy(&received));
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn sigterm_with_a_stalled_connection_open_exits_cleanly_at_the_shutdown_deadline() {
    let mut app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("SHUTDOWN_DEADLINE", "1s")]).await;
    let _stalled = a_stalled_connection(&app).await;
    app.get("/healthz").await.expect(200);

    app.process().terminate();

    assert!(app.process().wait_for_exit().await.success(), "{}", app.process().logs());
    assert!(app.process().logs().contains("stopped"));
}

#[tokio::test]
async fn a_header_not_finished_in_time_and_an_idle_connection_are_closed() {
    let app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("HEADER_READ_TIMEOUT", "1s")]).await;
    let mut stalled = a_stalled_connection(&app).await;
    let mut idle = tokio::net::TcpStream::connect(app.address()).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: jobboard\r\n\r\n").await.unwrap();

    read_until_closed(&mut stalled).await;
    let answered = read_until_closed(&mut idle).await;

    assert!(answered.starts_with("HTTP/1.1 200"), "the idle connection got its answer first: {answered}");
}

#[tokio::test]
async fn a_connection_past_the_maximum_gets_a_503_saying_when_to_come_back() {
    let app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("MAX_CONNECTIONS", "2")]).await;
    let _held = (a_stalled_connection(&app).await, a_stalled_connection(&app).await);

    let mut third = tokio::net::TcpStream::connect(app.address()).await.unwrap();
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: jobboard\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut third).await.to_lowercase();

    assert!(answer.starts_with("http/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
}

#[tokio::test]
async fn an_open_live_feed_is_told_the_server_is_going_away() {
    let mut app = jobboard().await;
    let ada = app.signed_up(&a_user()).await;
    let mut feed = app.as_user(&ada).open_feed().await.expect("the feed opens");

    app.process().terminate();

    assert_eq!(feed.closed_with().await, (1001, "the server is shutting down".to_owned()));
    assert!(app.process().wait_for_exit().await.success());
}

/// The database freezes under a stream of writes, then comes back. Asserted: requests fail
/// with a 503 instead of hanging, readiness turns 503, both recover, and every write that was
/// acknowledged is there afterwards. Printed (not asserted, timings are a bench's business):
/// how long each took.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_database_fails_requests_fast_and_loses_no_acknowledged_write() {
    let server = testkit::postgres::PostgresServer::start().await.unwrap();
    let database = TestDatabase::on_server(server.url()).await.unwrap();
    let app = Arc::new(TestApp::binary_over(&binary(), database, &[("JWT_SECRET", SECRET)]).await);
    let admin = Arc::new(app.admin(&a_user().named("boss")).await);
    let writing = Arc::new(AtomicBool::new(true));
    let writer = tokio::spawn({
        let (app, admin, writing) = (app.clone(), admin.clone(), writing.clone());
        async move {
            let (mut acknowledged, mut refused) = (Vec::new(), 0);
            for n in 0.. {
                if !writing.load(Ordering::SeqCst) {
                    break;
                }
                let handle = format!("c{n}");
                let answer = app.as_user(&admin).create_company(&a_company().named(&handle)).await;
                match answer.status {
                    StatusCode::CREATED => acknowledged.push(handle),
                    StatusCode::SERVICE_UNAVAILABLE => refused += 1,
                    other => panic!("a write got {other}: {}", answer.body),
                }
            }
            (acknowledged, refused)
        }
    });
    // A readiness probe, request after request: each one waits for the server's answer (up to
    // the probe's own second during the outage), so the loop waits on the condition, not a timer.
    let until = |wanted: StatusCode, path: &'static str| {
        let app = app.clone();
        async move {
            let started = Instant::now();
            loop {
                if app.get(path).await.status == wanted {
                    return started.elapsed();
                }
                assert!(started.elapsed() < Duration::from_secs(20), "{path} never answered {wanted}");
            }
        }
    };
    until(StatusCode::OK, "/readyz").await;

    server.pause().unwrap();
    let not_ready_after = until(StatusCode::SERVICE_UNAVAILABLE, "/readyz").await;
    let write_started = Instant::now();
    let refused_write =
        tokio::time::timeout(Duration::from_secs(10), app.as_user(&admin).create_company(&a_company().named("during")))
            .await
            .expect("a write during the outage is answered, not hung");
    let write_took = write_started.elapsed();
    server.unpause().unwrap();
    let ready_after = until(StatusCode::OK, "/readyz").await;
    writing.store(false, Ordering::SeqCst);
    let (acknowledged, refused) = writer.await.unwrap();

    assert_eq!(refused_write.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused_write.body);
    assert_eq!(refused_write.header("retry-after"), Some("1"));
    let mut lost = Vec::new();
    for handle in &acknowledged {
        if app.anonymous().company(handle).await.status != StatusCode::OK {
            lost.push(handle.clone());
        }
    }
    println!(
        "readyz 503 {not_ready_after:?} after the freeze; a write refused in {:?}; ready again {ready_after:?} after the thaw; \
         {} writes acknowledged, {refused} refused, {} lost",
        write_took,
        acknowledged.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(!acknowledged.is_empty());
}

/// Ada logs in "from" `owner`; five wrong passwords for her come "from" `attacker`; then one
/// more from `owner`: its status.
async fn owner_after_five_failures_from(app: &TestApp, attacker: &str, owner: &str) -> StatusCode {
    let attempt = |from: &str, credentials: &serde_json::Value| {
        testkit::client::Request::new(axum::http::Method::POST, "/auth/token")
            .header("x-forwarded-for", from)
            .json(credentials)
    };
    let (right, wrong) = (a_user().credentials(), a_user().with_password("not the password").credentials());
    assert_eq!(app.send(attempt(owner, &right)).await.status, StatusCode::OK);
    for _ in 0..5 {
        assert_eq!(app.send(attempt(attacker, &wrong)).await.status, StatusCode::UNAUTHORIZED);
    }
    app.send(attempt(owner, &wrong)).await.status
}

#[tokio::test]
async fn x_forwarded_for_names_the_client_only_when_the_proxy_is_trusted() {
    let behind_proxy = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    let exposed = jobboard().await;
    for app in [&behind_proxy, &exposed] {
        app.signed_up(&a_user()).await;
    }

    let owner_behind_the_proxy = owner_after_five_failures_from(&behind_proxy, "203.0.113.7", "198.51.100.9").await;
    let owner_claiming_another_address = owner_after_five_failures_from(&exposed, "203.0.113.7", "198.51.100.9").await;

    assert_eq!(owner_behind_the_proxy, StatusCode::UNAUTHORIZED, "checked: the owner is not the attacker");
    assert_eq!(
        owner_claiming_another_address,
        StatusCode::TOO_MANY_REQUESTS,
        "one peer, one client: the header is ignored"
    );
}

#[tokio::test]
async fn no_secret_ever_reaches_the_logs() {
    let mut app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("RUST_LOG", "debug")]).await;
    let ada = app.signed_up(&a_user()).await;
    app.log_in(&a_user().with_password("a wrong password")).await;
    app.as_user(&ada).user("ada").await;

    app.process().terminate();
    app.process().wait_for_exit().await;

    let logs = app.process().logs();
    assert!(logs.contains("started processing request"), "the log is verbose: {logs}");
    assert!(logs.contains("request_id="), "every request's lines carry its id: {logs}");
    for secret in [SECRET, &a_user().password, "a wrong password", &ada.token] {
        assert!(!logs.contains(secret), "{secret:?} was logged");
    }
}

#[tokio::test]
async fn an_invalid_configuration_is_reported_whole_before_anything_starts() {
    let output = run_binary(
        &binary(),
        &[],
        &[
            ("APP_ENV", "production"),
            ("BIND_ADDR", "nowhere"),
            ("ACCESS_TOKEN_TTL", "soon"),
            ("JWT_SECRET", SHORT_SECRET),
        ],
        "",
    )
    .await;

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for variable in ["BIND_ADDR", "ACCESS_TOKEN_TTL", "JWT_SECRET"] {
        assert!(stderr.contains(variable), "{variable} missing from:\n{stderr}");
    }
    assert!(!stderr.contains(SHORT_SECRET), "the secret's value is not echoed:\n{stderr}");
}

#[tokio::test]
async fn production_logs_are_json_lines() {
    let mut app = TestApp::binary(&binary(), &[("JWT_SECRET", SECRET), ("APP_ENV", "production")]).await;
    app.get("/healthz").await;
    app.process().terminate();
    app.process().wait_for_exit().await;

    let logs = app.process().logs();
    for line in logs.lines() {
        let parsed: Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(parsed["level"].is_string(), "{line}");
    }
}
