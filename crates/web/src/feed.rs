//! The live feed. Within one process it is a broadcast channel that every open WebSocket
//! listens to ([`LocalFeed`]). With a database, several instances share it: an event is
//! published as a NOTIFY on Postgres ([`SharedFeed`]), and every instance, the publisher
//! included, hears it and hands it to its own sockets ([`relay_from_database`]). Both are the
//! adapter of the use cases' [`EventPublisher`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use domain::job::JobId;
use domain::ports::JobRepository;
use domain::user::Username;
use serde::{Deserialize, Serialize};
use store::postgres::PgStore;
use store::postgres::notifications::{Heard, Listener};
use tokio::sync::broadcast;
use usecases::events::{Event, EventPublisher};

/// The Postgres channel the instances of one database share.
pub const CHANNEL: &str = "jobboard_feed";

pub struct LocalFeed {
    sender: broadcast::Sender<Event>,
}

impl LocalFeed {
    /// A feed that keeps up to `capacity` events for a listener that falls behind; a slower
    /// one skips the oldest.
    pub fn new(capacity: usize) -> Self {
        Self { sender: broadcast::channel(capacity).0 }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

#[async_trait]
impl EventPublisher for LocalFeed {
    async fn publish(&self, event: Event) {
        // Nobody listening is fine: the feed is best effort.
        let _ = self.sender.send(event);
    }
}

/// What travels through Postgres: ids, not the values. A payload stays far below Postgres's
/// 8000 bytes whatever a job's title, and each instance reads the job as its store has it.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Notice {
    JobPosted { id: i32 },
    Applied { username: String, job: i32 },
}

impl From<&Event> for Notice {
    fn from(event: &Event) -> Self {
        match event {
            Event::JobPosted(job) => Notice::JobPosted { id: job.id.get() },
            Event::Applied(application) => {
                Notice::Applied { username: application.username.as_str().to_owned(), job: application.job.get() }
            }
        }
    }
}

/// Publishes on the database, for every instance to hear.
pub struct SharedFeed {
    store: Arc<PgStore>,
}

impl SharedFeed {
    pub fn new(store: Arc<PgStore>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl EventPublisher for SharedFeed {
    async fn publish(&self, event: Event) {
        let notice = serde_json::to_string(&Notice::from(&event)).unwrap_or_default();
        if let Err(error) = self.store.notify(CHANNEL, &notice).await {
            // Best effort, as in one process: what happened stays done.
            tracing::warn!(%error, "the live feed could not announce an event");
        }
    }
}

/// How long to wait before listening again when the database does not answer.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Listens on the database (connected before this returns, so no event published after
/// start-up is missed) and, from a task of its own, hands every event it hears to `local`.
/// A dropped connection is re-established; what was sent meanwhile is missed, and said so in
/// the log.
pub async fn relay_from_database(
    store: &PgStore,
    jobs: Arc<dyn JobRepository>,
    local: Arc<LocalFeed>,
) -> Result<(), sqlx::Error> {
    let mut listener = store.listen(CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            relay_one(&mut listener, jobs.as_ref(), &local).await;
        }
    });
    Ok(())
}

async fn relay_one(listener: &mut Listener, jobs: &dyn JobRepository, local: &LocalFeed) {
    match listener.next().await {
        Ok(Heard::Payload(payload)) => match event_of(&payload, jobs).await {
            Some(event) => local.publish(event).await,
            None => tracing::debug!(%payload, "a feed notice named nothing to announce"),
        },
        Ok(Heard::Gap) => {
            tracing::warn!("the live feed's database connection dropped; events sent meanwhile are missed")
        }
        Err(error) => {
            tracing::warn!(%error, "the live feed cannot listen to the database; trying again");
            tokio::time::sleep(RECONNECT_PAUSE).await;
        }
    }
}

/// The event a notice names, as this instance's store has it now; `None` for a notice that
/// does not parse or a job deleted since.
async fn event_of(payload: &str, jobs: &dyn JobRepository) -> Option<Event> {
    match serde_json::from_str(payload).ok()? {
        Notice::JobPosted { id } => jobs.find(JobId::new(id)).await.ok()?.map(Event::JobPosted),
        Notice::Applied { username, job } => Some(Event::Applied(domain::accounts::Application {
            username: Username::parse(&username).ok()?,
            job: JobId::new(job),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_carries_ids_and_reads_back_as_it_was_written() {
        let applied = Notice::Applied { username: "ada".into(), job: 7 };
        let text = serde_json::to_string(&applied).unwrap();

        assert_eq!(text, r#"{"applied":{"username":"ada","job":7}}"#);
        assert_eq!(serde_json::from_str::<Notice>(&text).unwrap(), applied);
    }
}
