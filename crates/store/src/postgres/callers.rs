//! A token's caller in one query: the token's standing (as auth's
//! [`SessionStore::standing`](auth::sessions::SessionStore::standing) reads it) and the account
//! it names, because every authenticated request needs both, and two round trips cost twice.

use auth::sessions::Standing;
use auth::token::Claims;
use domain::DomainError;
use domain::user::{User, Username};

use super::sessions::STANDING_COLUMNS;
use super::users::{USER_COLUMNS, UserRow};
use super::{PgStore, static_sql, unavailable};

/// The standing's columns, then the account's, all `NULL` when there is no such account.
#[derive(sqlx::FromRow)]
struct CallerRow {
    token_version: i64,
    access_revoked: bool,
    family_revoked: bool,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    is_admin: Option<bool>,
}

impl PgStore {
    /// The standing of the token `claims` describe and the account of `holder`, as they are now.
    pub async fn caller_record(
        &self,
        claims: &Claims,
        holder: &Username,
    ) -> Result<(Standing, Option<User>), DomainError> {
        let row = sqlx::query_as::<_, CallerRow>(static_sql(&[
            "SELECT ",
            STANDING_COLUMNS,
            ", ",
            USER_COLUMNS,
            " FROM (VALUES (1)) AS asked LEFT JOIN users ON users.username = $4",
        ]))
        .bind(&claims.sub)
        .bind(&claims.jti)
        .bind(claims.fam.as_deref())
        .bind(holder.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        let standing = Standing {
            token_version: row.token_version,
            access_revoked: row.access_revoked,
            family_revoked: row.family_revoked,
        };
        let account = match (row.username, row.first_name, row.last_name, row.email, row.is_admin) {
            (Some(username), Some(first_name), Some(last_name), Some(email), Some(is_admin)) => {
                Some(User::try_from(UserRow { username, first_name, last_name, email, is_admin })?)
            }
            _ => None,
        };
        Ok((standing, account))
    }
}
