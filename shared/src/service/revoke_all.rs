//! An admin revokes every share of one user of the group (an employee leaves): a bounded batch a
//! call, each share revoked as `DELETE /shares/{id}` revokes it.

use super::publishing::revoke;
use super::{Caller, ServiceResult, Standing};
use crate::domain::UserId;
use crate::store::{ShareReads, ShareWrites};
use futures_util::{StreamExt, stream};
use serde::Serialize;

/// The most shares one call revokes: a hundred revokes stay well inside a call's time budget.
pub const REVOKE_ALL_BATCH: usize = 100;
/// Revokes under way at once: each is a few round trips of its own.
const CONCURRENT_REVOKES: usize = 10;

/// What a call revoked, and whether the user has shares left for another call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RevokedShares {
    pub revoked: usize,
    pub more: bool,
}

/// Revokes up to `REVOKE_ALL_BATCH` of `owner`'s shares in the admin's group. Only shares this call
/// deleted count (one already gone, say in an index not caught up yet, does not). A store failure
/// after some were revoked ends the call with what it did and `more`, which is true: the answer
/// tells only what is whole in the store, and the next call goes on (or meets the failure first).
pub async fn revoke_user_shares<S: ShareReads + ShareWrites>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    owner: &UserId,
) -> ServiceResult<RevokedShares> {
    standing.require_admin()?;
    let page = store.owner_shares(&caller.group, owner, None, REVOKE_ALL_BATCH).await?;
    let listed = page.records.len();
    let outcomes: Vec<_> = stream::iter(page.records)
        .map(|record| revoke(store, record))
        .buffer_unordered(CONCURRENT_REVOKES)
        .collect()
        .await;
    let revoked = outcomes.iter().filter(|outcome| matches!(outcome, Ok(true))).count();
    let failure = outcomes.into_iter().find_map(Result::err);
    tracing::info!(group = %caller.group, listed, revoked, failed = failure.is_some(), "a user's shares revoked");
    match failure {
        Some(error) if revoked == 0 => Err(error),
        Some(_) => Ok(RevokedShares { revoked, more: true }),
        None => Ok(RevokedShares { revoked, more: page.next.is_some() }),
    }
}
