//! What happened that others may want to hear of as it happens: the live feed's news. The
//! events are typed here, outside any transport, so a job posted any way is announced the same
//! way, and who may see what is decided once.

use async_trait::async_trait;
use domain::accounts::Application;
use domain::job::Job;
use domain::user::User;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A job was posted: anyone may know.
    JobPosted(Job),
    /// Someone applied to a job: their application is for admins' eyes only.
    Applied(Application),
}

impl Event {
    /// Whether `user` may be told of this event.
    pub fn is_visible_to(&self, user: &User) -> bool {
        match self {
            Event::JobPosted(_) => true,
            Event::Applied(_) => user.is_admin,
        }
    }
}

/// Where events go: every open live feed (`web`'s adapter), or, with several instances, a
/// channel they all listen to.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EventPublisher: Send + Sync {
    /// Announces `event`. Best effort: nobody listening is fine, and a feed that misses an
    /// event must not undo what happened.
    async fn publish(&self, event: Event);
}

#[cfg(test)]
mod tests {
    use domain::fixtures::{a_job, a_user};

    use super::*;

    #[test]
    fn a_posted_job_is_news_for_everyone_an_application_for_admins_only() {
        let (user, admin) = (a_user("ada"), domain::user::User { is_admin: true, ..a_user("root") });
        let applied = Event::Applied(Application { username: user.username.clone(), job: a_job(7).id });

        assert!(Event::JobPosted(a_job(7)).is_visible_to(&user));
        assert!(!applied.is_visible_to(&user));
        assert!(applied.is_visible_to(&admin));
    }
}
