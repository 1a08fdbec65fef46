//! Unlocking a password share. Every try is counted before its password is checked, so tries sent at
//! once cannot all slip past the lockout; a right one is taken back off the count. While the lockout
//! holds no password is checked.

use super::{ServiceResult, share_for_recipient};
use crate::domain::{LockoutRule, ShareId, UnlockCookieKey};
use crate::store::{LockoutCounts, PolicyReads, ShareReads};
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockOutcome {
    /// The cookie value that opens the share.
    Opened {
        cookie: String,
    },
    Wrong,
    /// Too many wrong tries: no password is checked until the window ends.
    LockedOut {
        retry_after: SignedDuration,
    },
    /// The share has no password: its page is open to anyone with the link.
    NotLocked,
}

pub async fn unlock_share<S: ShareReads + PolicyReads + LockoutCounts>(
    store: &S,
    cookie_key: &UnlockCookieKey,
    rule: LockoutRule,
    id: &ShareId,
    attempt: &str,
    now: Timestamp,
) -> ServiceResult<UnlockOutcome> {
    let record = share_for_recipient(store, id, now, false).await?.record;
    let Some(lock) = &record.lock else { return Ok(UnlockOutcome::NotLocked) };
    let check_window = rule.check_window_start(now);
    let checks = store.count_check(id, check_window, rule.check_window).await?;
    if let Some(retry_after) = rule.refuses_check(checks, check_window, now) {
        return Ok(UnlockOutcome::LockedOut { retry_after });
    }
    let tries = store.count_wrong_try(id, now, rule.window).await?;
    if let Some(retry_after) = rule.refuses(tries, now) {
        return Ok(UnlockOutcome::LockedOut { retry_after });
    }
    if super::password_work::opens(lock, attempt).await {
        // A refund that fails leaves one try too many counted, which the window forgets: the right
        // password still opens the share.
        if let Err(error) = store.refund_try(id, tries.window_start).await {
            tracing::warn!(share = %id.log_ref(), error = %error, "a right try could not be taken back");
        }
        return Ok(UnlockOutcome::Opened { cookie: cookie_key.issue(id, lock, now) });
    }
    tracing::info!(share = %id.log_ref(), "wrong password");
    Ok(UnlockOutcome::Wrong)
}
