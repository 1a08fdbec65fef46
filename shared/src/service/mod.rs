//! The use cases behind the routes, over the store port: the caller's standing under the group's
//! policy, which shares they may see or edit, what a recipient may be shown, and (with the
//! `publish` feature) publishing itself.

#[cfg(feature = "publish")]
mod publishing;

#[cfg(feature = "publish")]
pub use publishing::{IdempotencyClaim, publish_share, replace_share, revoke_share, rotate_share};

use crate::domain::{
    DetailLevel, GroupId, ShareId, ShareRecord, SharedEvent, SharingDecision, SharingDenial, SharingPolicy,
    UserPermission, ValidationErrors, sharing_decision,
};
use crate::identity::Caller;
use crate::snapshot;
use crate::store::{LIST_PAGE_SIZE, ListCursor, PolicyReads, PublishedShare, SharePage, ShareReads, StoreError};
use jiff::Timestamp;

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

/// A page of the caller's own shares, newest first.
pub async fn own_shares<S: ShareReads>(
    store: &S,
    caller: &Caller,
    after: Option<&ListCursor>,
) -> ServiceResult<SharePage> {
    Ok(store.owner_shares(&caller.group, &caller.user_id, after, LIST_PAGE_SIZE).await?)
}

/// A page of every share of the admin's group, newest first.
pub async fn group_shares_for_admin<S: ShareReads>(
    store: &S,
    group: &GroupId,
    standing: &Standing,
    after: Option<&ListCursor>,
) -> ServiceResult<SharePage> {
    standing.require_admin()?;
    Ok(store.group_shares(group, after, LIST_PAGE_SIZE).await?)
}

/// What a recipient's request read of a share: its record, and the chunks of its snapshot when the
/// caller asked for them.
#[derive(Debug, Clone)]
pub struct RecipientShare {
    pub record: ShareRecord,
    pub chunks: Option<Vec<Vec<u8>>>,
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
        store
            .published(id)
            .await?
            .map(|published| RecipientShare { record: published.record, chunks: Some(published.chunks) })
    } else {
        store.share(id).await?.map(|record| RecipientShare { record, chunks: None })
    };
    let share = share.ok_or(ServiceError::NotFound)?;
    if share.record.is_expired(now) {
        return Err(ServiceError::Expired);
    }
    let record = &share.record;
    let (policy, permission) = store.sharing_state(&record.group, &record.owner.user_id).await?;
    if !sharing_decision(&policy.unwrap_or_default(), permission.as_ref()).is_allowed() {
        return Err(ServiceError::NotFound);
    }
    Ok(share)
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
