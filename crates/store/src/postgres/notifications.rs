//! Postgres's LISTEN/NOTIFY: a message sent on a channel reaches every connection listening to
//! it, whichever process holds that connection. Several instances on one database hear each
//! other through it, with nothing else to run. The payload is text the caller defines; this
//! module does not read it.

use sqlx::postgres::PgListener;

use super::PgStore;

/// What the instances of one database hear: one channel per kind of news.
pub struct Listener {
    inner: PgListener,
}

/// What a [`Listener`] hands over.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    Payload(String),
    /// The listening connection dropped, and anything sent meanwhile was missed. The next
    /// [`Listener::next`] reconnects.
    Gap,
}

impl PgStore {
    /// Sends `payload` to every listener on `channel`, when the current transaction (if any)
    /// commits. Postgres caps a payload at 8000 bytes.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, $2)").bind(channel).bind(payload).execute(self.pool()).await.map(drop)
    }

    /// A connection of its own, outside the pool, listening to `channel` from now on.
    pub async fn listen(&self, channel: &str) -> Result<Listener, sqlx::Error> {
        let mut inner = PgListener::connect_with(self.pool()).await?;
        inner.listen(channel).await?;
        Ok(Listener { inner })
    }
}

impl Listener {
    /// The next payload, or the news that the connection dropped. `Err` when it cannot
    /// reconnect now (the database is down): calling again tries again.
    pub async fn next(&mut self) -> Result<Heard, sqlx::Error> {
        Ok(match self.inner.try_recv().await? {
            Some(notification) => Heard::Payload(notification.payload().to_owned()),
            None => Heard::Gap,
        })
    }
}
