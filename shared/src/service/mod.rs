//! The use cases behind the routes, over the store port: the caller's standing under the group's
//! policy, which shares they may see or edit, what a recipient may be shown, and (with the
//! `publish` feature) publishing itself.

mod caller;
#[cfg(feature = "publish")]
mod changes;
mod password_work;
#[cfg(feature = "publish")]
mod patching;
#[cfg(feature = "publish")]
mod publishing;
#[cfg(feature = "publish")]
mod revoke_all;
mod settings;
mod unlocking;

pub use caller::{Caller, MissingIdentity, MissingScope};
#[cfg(feature = "publish")]
pub use changes::{ChangeLimits, ChangesOutcome, ChangesRequest, UpdatedShare, apply_changes};
#[cfg(feature = "publish")]
pub use patching::patch_share;
#[cfg(feature = "publish")]
pub use publishing::{
    IdempotencyClaim, PublishRequest, Publisher, publish_share, replace_share, revoke_share, rotate_share,
};
#[cfg(feature = "publish")]
pub use revoke_all::{REVOKE_ALL_BATCH, RevokedShares, revoke_user_shares};
pub use settings::{group_users, set_policy, set_user_permission};
pub use unlocking::{UnlockOutcome, unlock_share};

use crate::domain::{
    DetailLevel, DisplaySettings, GroupId, ShareId, ShareRecord, ShareState, SharedEvent, SharingDecision,
    SharingDenial, SharingPolicy, UserId, UserPermission, ValidationErrors, sharing_decision,
};
use crate::snapshot;
use crate::store::{LIST_PAGE_SIZE, ListCursor, PolicyReads, PublishedShare, ShareListPage, ShareReads, StoreError};
use jiff::Timestamp;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("denied: {0}")]
    Denied(Denial),
    #[error("not found")]
    NotFound,
    /// The share's `expiresAt` has passed: recipients get 410, whatever the store's TTL sweep did.
    #[error("expired")]
    Expired,
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error(transparent)]
    Store(StoreError),
    /// A call that switches several shares one by one stopped at `cause` after switching these.
    #[error("stopped midway: {cause}")]
    Midway { cause: Box<ServiceError>, shares_updated: Vec<(ShareId, u32)> },
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Why a caller may not do what they asked (403); the text is the problem's `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    #[error("{}", .0.reason())]
    Sharing(SharingDenial),
    #[error("Group admins may see and revoke other members' shares, not edit them")]
    AdminsDoNotEdit,
    #[error("Only group admins may do this")]
    AdminsOnly,
}

/// Why a write could not be applied as asked (409); the text is the problem's `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("The share was changed by another request; reload and try again")]
    ChangedConcurrently,
    #[error("This Idempotency-Key was already used with a different request body")]
    KeyReusedWithOtherBody,
    #[error("This Idempotency-Key was used for a share that no longer exists")]
    KeyForDeletedShare,
    #[error("The request conflicted with another; try again")]
    ConcurrentRetry,
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            // Every precondition the service writes under guards against a concurrent change.
            StoreError::Conflict => Self::Conflict(Conflict::ChangedConcurrently),
            other => Self::Store(other),
        }
    }
}

/// The caller's place in their group: the policy, their own record, and whether they administer it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub policy: SharingPolicy,
    pub permission: Option<UserPermission>,
    pub is_admin: bool,
}

impl Standing {
    pub async fn load<S: PolicyReads>(store: &S, caller: &Caller, admin_role: &str) -> ServiceResult<Self> {
        let (policy, permission) = store.sharing_state(&caller.group, &caller.user_id).await?;
        let is_admin = caller.has_role(admin_role) || permission.as_ref().is_some_and(|p| p.admin);
        Ok(Self { policy: policy.unwrap_or_default(), permission, is_admin })
    }

    pub fn decision(&self) -> SharingDecision {
        sharing_decision(&self.policy, self.permission.as_ref())
    }

    pub fn require_admin(&self) -> ServiceResult<()> {
        if self.is_admin { Ok(()) } else { Err(ServiceError::Denied(Denial::AdminsOnly)) }
    }

    pub fn allowed_detail(&self) -> &[DetailLevel] {
        if self.decision().is_allowed() { &self.policy.allowed_detail } else { &[] }
    }

    /// The caller's own share with its state now: their own standing decides whether it is paused.
    pub fn own_share(&self, record: ShareRecord, now: Timestamp) -> ShareWithState {
        let state = ShareState::of(&record, self.decision(), now);
        ShareWithState { record, state }
    }
}

/// A share as its owner or a group admin is shown it: the record, and whether its link serves now.
#[derive(Debug, Clone)]
pub struct ShareWithState {
    pub record: ShareRecord,
    pub state: ShareState,
}

/// A page of a share list with each share's state; `next` is the position after it, if more follow.
#[derive(Debug, Clone)]
pub struct ShareListing {
    pub shares: Vec<ShareWithState>,
    pub next: Option<ListCursor>,
}

/// The share if the caller may see it: its owner or an admin of its group. Anyone else gets
/// `NotFound`, with no hint that it exists.
pub async fn visible_share<S: ShareReads>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    id: &str,
) -> ServiceResult<ShareRecord> {
    let id = ShareId::parse(id).ok_or(ServiceError::NotFound)?;
    let record = store.share(&id).await?.ok_or(ServiceError::NotFound)?;
    let same_group = record.group == caller.group;
    if same_group && (record.owner.user_id == caller.user_id || standing.is_admin) {
        Ok(record)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The share if the caller owns it; an admin of its group is told admins may not edit.
pub async fn owned_share<S: ShareReads>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    id: &str,
) -> ServiceResult<ShareRecord> {
    let record = visible_share(store, caller, standing, id).await?;
    if record.owner.user_id == caller.user_id { Ok(record) } else { Err(ServiceError::Denied(Denial::AdminsDoNotEdit)) }
}

/// The share with its state, if the caller may see it (as `visible_share`). Another member's share,
/// shown to an admin, is paused or not by its owner's record under the group's policy.
pub async fn shown_share<S: ShareReads + PolicyReads>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    id: &str,
    now: Timestamp,
) -> ServiceResult<ShareWithState> {
    let record = visible_share(store, caller, standing, id).await?;
    if record.owner.user_id == caller.user_id {
        return Ok(standing.own_share(record, now));
    }
    let mut shown = with_owners_states(store, &caller.group, standing, vec![record], now).await?;
    Ok(shown.pop().expect("one share in, one out"))
}

/// A page of the caller's own shares, newest first.
pub async fn own_shares<S: ShareReads>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    after: Option<&ListCursor>,
    now: Timestamp,
) -> ServiceResult<ShareListing> {
    let page = store.owner_shares(&caller.group, &caller.user_id, after, LIST_PAGE_SIZE).await?;
    let shares = page.records.into_iter().map(|record| standing.own_share(record, now)).collect();
    Ok(ShareListing { shares, next: page.next })
}

/// A page of every share of the admin's group (or of one `owner`'s in it), newest first, each
/// paused or not by its owner's record: the owners' records of a page are read in one round trip.
pub async fn group_shares_for_admin<S: ShareReads + PolicyReads>(
    store: &S,
    group: &GroupId,
    standing: &Standing,
    owner: Option<&UserId>,
    after: Option<&ListCursor>,
    now: Timestamp,
) -> ServiceResult<ShareListing> {
    standing.require_admin()?;
    let ShareListPage { records, next } = match owner {
        Some(owner) => store.owner_shares(group, owner, after, LIST_PAGE_SIZE).await?,
        None => store.group_shares(group, after, LIST_PAGE_SIZE).await?,
    };
    let shares = with_owners_states(store, group, standing, records, now).await?;
    Ok(ShareListing { shares, next })
}

/// Shares of the group with their states, each owner's sharing decided by their record under the
/// group's current policy (the one `standing` holds) as the view decides it.
async fn with_owners_states<S: PolicyReads>(
    store: &S,
    group: &GroupId,
    standing: &Standing,
    records: Vec<ShareRecord>,
    now: Timestamp,
) -> ServiceResult<Vec<ShareWithState>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let owners: Vec<_> = records.iter().map(|record| record.owner.user_id.clone()).collect();
    let permissions = store.permissions(group, &owners).await?;
    let by_user: HashMap<_, _> = permissions.iter().map(|permission| (&permission.user_id, permission)).collect();
    let shares = records
        .into_iter()
        .map(|record| {
            let owner = by_user.get(&record.owner.user_id).copied();
            let state = ShareState::of(&record, sharing_decision(&standing.policy, owner), now);
            ShareWithState { record, state }
        })
        .collect();
    Ok(shares)
}

/// What a recipient's request read of a share: its record, and the chunks of its snapshot when the
/// caller asked for them.
#[derive(Debug, Clone)]
pub struct RecipientShare {
    pub record: ShareRecord,
    pub chunks: Option<Vec<Vec<u8>>>,
    /// The group's display defaults, read with the owner's standing.
    pub display: DisplaySettings,
}

/// A share a recipient may open: found, not expired, and its owner still allowed to share. A caller
/// that already holds the snapshot of the share's current generation asks for the record alone
/// (one small read); one that does not asks for the whole share, read in one go.
pub async fn share_for_recipient<S: ShareReads + PolicyReads>(
    store: &S,
    id: &ShareId,
    now: Timestamp,
    with_snapshot: bool,
) -> ServiceResult<RecipientShare> {
    let share = if with_snapshot {
        store.published(id).await?.map(|published| (published.record, Some(published.chunks)))
    } else {
        store.share(id).await?.map(|record| (record, None))
    };
    let (record, chunks) = share.ok_or(ServiceError::NotFound)?;
    // An expired share answers 410 without reading its owner's standing.
    if record.is_expired(now) {
        return Err(ServiceError::Expired);
    }
    let (policy, permission) = store.sharing_state(&record.group, &record.owner.user_id).await?;
    let policy = policy.unwrap_or_default();
    match ShareState::of(&record, sharing_decision(&policy, permission.as_ref()), now) {
        ShareState::Live => Ok(RecipientShare { record, chunks, display: policy.display }),
        ShareState::Paused => Err(ServiceError::NotFound),
        ShareState::Expired => Err(ServiceError::Expired),
    }
}

/// The snapshot of a share whose record was read alone, for a caller that lacks its generation. A
/// re-publish may have moved the share on in between: then the newer record comes with its snapshot
/// (same owner and group, so only expiry needs deciding again).
pub async fn snapshot_for_recipient<S: ShareReads>(
    store: &S,
    record: &ShareRecord,
    now: Timestamp,
) -> ServiceResult<PublishedShare> {
    let published = store.published(&record.id).await?.ok_or(ServiceError::NotFound)?;
    if published.record.is_expired(now) {
        return Err(ServiceError::Expired);
    }
    Ok(published)
}

pub fn snapshot_events(chunks: &[Vec<u8>]) -> ServiceResult<Vec<SharedEvent>> {
    snapshot::decode(chunks).map_err(|e| ServiceError::Store(StoreError::Inconsistent(e.to_string())))
}
