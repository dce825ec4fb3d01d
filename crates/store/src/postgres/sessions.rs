//! Sessions: auth's [`SessionStore`] port on Postgres (refresh tokens, revoked access tokens,
//! token versions). A refresh token is consumed by one conditional `UPDATE … RETURNING`, so
//! concurrent refreshes of one token cannot both win; a family's row is locked by both its
//! revocation and the recording of a new token in it, so no token escapes a revocation.

use async_trait::async_trait;
use auth::clock::UnixTime;
use auth::sessions::{Consumption, RefreshRecord, SessionStore, Standing, StoreFailure};

use super::{PgStore, static_sql};

/// A token's [`Standing`], read at once for subject `$1`, token id `$2` and family `$3`: also
/// the first columns of the caller's record (`callers`).
pub(super) const STANDING_COLUMNS: &str =
    "COALESCE((SELECT version FROM token_versions WHERE subject = $1), 0) AS token_version,
     EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $2) AS access_revoked,
     EXISTS (SELECT 1 FROM refresh_families WHERE family = $3 AND revoked_at IS NOT NULL) AS family_revoked";

fn store_failure(error: sqlx::Error) -> StoreFailure {
    StoreFailure(Box::new(error))
}

#[async_trait]
impl SessionStore for PgStore {
    async fn record_refresh(&self, record: &RefreshRecord) -> Result<(), StoreFailure> {
        let mut transaction = self.pool.begin().await.map_err(store_failure)?;
        // Locks the family's row until commit: a revocation running now either finished
        // before (and this token is born revoked) or waits, and then revokes this token too.
        let family_revoked_at = sqlx::query_scalar::<_, Option<i64>>(
            "INSERT INTO refresh_families (family, expires_at) VALUES ($1, $2)
             ON CONFLICT (family) DO UPDATE SET expires_at = GREATEST(refresh_families.expires_at, EXCLUDED.expires_at)
             RETURNING revoked_at",
        )
        .bind(&record.family)
        .bind(record.expires_at)
        .fetch_one(&mut *transaction)
        .await
        .map_err(store_failure)?;
        sqlx::query_scalar::<_, String>(
            "INSERT INTO refresh_tokens (jti, family, subject, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING jti",
        )
        .bind(&record.jti)
        .bind(&record.family)
        .bind(&record.subject)
        .bind(record.expires_at)
        .bind(family_revoked_at)
        .fetch_one(&mut *transaction)
        .await
        .map_err(store_failure)?;
        transaction.commit().await.map_err(store_failure)
    }

    async fn consume_refresh(&self, jti: &str, now: UnixTime) -> Result<Consumption, StoreFailure> {
        // One statement: the row lock makes concurrent consumers queue, and every one after
        // the first finds `consumed_at` set.
        let consumed = sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET consumed_at = $2
             WHERE jti = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $2
             RETURNING jti",
        )
        .bind(jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        if consumed.is_some() {
            return Ok(Consumption::Consumed);
        }
        let previous = sqlx::query_as::<_, (String, bool, bool)>(
            "SELECT family, consumed_at IS NOT NULL, revoked_at IS NOT NULL FROM refresh_tokens WHERE jti = $1",
        )
        .bind(jti)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(match previous {
            Some((family, true, false)) => Consumption::AlreadyConsumed { family },
            _ => Consumption::Refused,
        })
    }

    async fn revoke_refresh(&self, jti: &str, now: UnixTime) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE jti = $1 AND revoked_at IS NULL RETURNING jti",
        )
        .bind(jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str, now: UnixTime) -> Result<(), StoreFailure> {
        let mut transaction = self.pool.begin().await.map_err(store_failure)?;
        // The family's row first (see record_refresh), then its tokens: this UPDATE starts
        // after the lock, so it sees every token recorded before.
        sqlx::query_scalar::<_, String>(
            "INSERT INTO refresh_families (family, expires_at, revoked_at)
             VALUES ($1, COALESCE((SELECT max(expires_at) FROM refresh_tokens WHERE family = $1), $2), $2)
             ON CONFLICT (family) DO UPDATE SET revoked_at = COALESCE(refresh_families.revoked_at, EXCLUDED.revoked_at)
             RETURNING family",
        )
        .bind(family)
        .bind(now)
        .fetch_one(&mut *transaction)
        .await
        .map_err(store_failure)?;
        sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL RETURNING jti",
        )
        .bind(family)
        .bind(now)
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_failure)?;
        transaction.commit().await.map_err(store_failure)
    }

    async fn revoke_access(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING RETURNING jti",
        )
        .bind(jti)
        .bind(expires_at)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        let version = sqlx::query_scalar::<_, i64>("SELECT version FROM token_versions WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_failure)?;
        Ok(version.unwrap_or(0))
    }

    async fn standing<'a>(&self, subject: &str, jti: &str, family: Option<&'a str>) -> Result<Standing, StoreFailure> {
        let (token_version, access_revoked, family_revoked) =
            sqlx::query_as::<_, (i64, bool, bool)>(static_sql(&["SELECT ", STANDING_COLUMNS]))
                .bind(subject)
                .bind(jti)
                .bind(family)
                .fetch_one(&self.pool)
                .await
                .map_err(store_failure)?;
        Ok(Standing { token_version, access_revoked, family_revoked })
    }

    async fn bump_token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO token_versions (subject, version) VALUES ($1, 1)
             ON CONFLICT (subject) DO UPDATE SET version = token_versions.version + 1
             RETURNING version",
        )
        .bind(subject)
        .fetch_one(&self.pool)
        .await
        .map_err(store_failure)
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StoreFailure> {
        let purged = sqlx::query_scalar::<_, i64>(
            "WITH refresh AS (DELETE FROM refresh_tokens WHERE expires_at <= $1 RETURNING 1),
                  access AS (DELETE FROM revoked_access_tokens WHERE expires_at <= $1 RETURNING 1),
                  families AS (DELETE FROM refresh_families WHERE expires_at <= $1 RETURNING 1)
             SELECT (SELECT count(*) FROM refresh) + (SELECT count(*) FROM access)",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(u64::try_from(purged).unwrap_or(0))
    }
}
