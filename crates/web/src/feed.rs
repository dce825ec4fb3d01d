//! The live feed within one process: a broadcast channel that every open WebSocket listens
//! to, as the adapter of the use cases' [`EventPublisher`].

use async_trait::async_trait;
use tokio::sync::broadcast;
use usecases::events::{Event, EventPublisher};

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
