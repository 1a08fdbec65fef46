//! Publishing: validate, minimise and store a share's snapshot; replace it, move it to a new id,
//! revoke it. Every write is its new snapshot pieces first, then one commit, so readers see old or
//! new, never a mix.

use super::Caller;
use super::{Conflict, Denial, ServiceError, ServiceResult, Standing};
use crate::domain::follow::{calendar_keys, followed_keys};
use crate::domain::{
    Generation, LeftOut, Owner, PasswordChange, SealedSnapshot, ShareId, ShareLock, ShareOptions, ShareRecord,
    SharedEvent, SharingDecision, SnapshotPiece, SourceIdSecret, SourceIndex, SourceKey, ValidationErrors,
};
use crate::render::feed_size::check_feed_size;
use crate::snapshot;
use crate::sources::minimize::{EventOrigin, RangeBounds, minimize};
use crate::store::{
    IDEMPOTENCY_KEEP, IdempotencyRecord, IdempotentOutcome, IndexWrite, ShareCommit, ShareReads, ShareWrites,
    SnapshotWrite, StoreError, StoreResult,
};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// A publish or replace body as read (share-calendar parses it: `http::publish_request`).
pub use share_calendar::publish_request::PublishRequest;

impl Standing {
    pub fn require_sharing(&self) -> ServiceResult<()> {
        match self.decision() {
            SharingDecision::Allowed => Ok(()),
            SharingDecision::Denied(denial) => Err(ServiceError::Denied(Denial::Sharing(denial))),
        }
    }
}

/// What a publish stores: validated options, the minimised events and their source index; or, for a
/// sealed body, its ciphertext (no events, no index: nothing in it can be matched).
struct Publication {
    options: ShareOptions,
    events: Vec<SharedEvent>,
    left_out: LeftOut,
    sources: SourceIndex,
    lock: Option<ShareLock>,
    sealed: Option<SealedSnapshot>,
    /// The keys of the calendars the share follows (the owner's own).
    follows: Vec<SourceKey>,
}

impl Publication {
    /// `current_lock` is the replaced share's (a `PUT` without `password` keeps it).
    async fn prepare(
        request: PublishRequest,
        standing: &Standing,
        caller: &Caller,
        secret: &SourceIdSecret,
        current_lock: Option<&ShareLock>,
        now: Timestamp,
    ) -> ServiceResult<Self> {
        standing.require_sharing()?;
        let mut caps = standing.policy.check_publish(request.options.detail, request.options.expires_at, now);
        let has_password = match &request.password {
            PasswordChange::Keep => current_lock.is_some(),
            PasswordChange::Remove => false,
            PasswordChange::Set(_) => true,
        };
        standing.policy.check_password(has_password, &mut caps);
        standing.policy.check_sealing(request.sealed.is_some(), &mut caps);
        caps.into_result().map_err(ServiceError::Invalid)?;
        let (events, left_out) = match request.sealed {
            Some(_) => (Vec::new(), LeftOut::default()),
            None => {
                let bounds = RangeBounds::new(request.options.range, request.options.time_zone.zone());
                let origin = EventOrigin::new(secret, &caller.group, &caller.user_id, request.format);
                let (events, left_out) = minimize(request.events, request.options.detail, &bounds, &origin);
                check_feed_fits(&request.options, now, &events, "/events")?;
                (events, left_out)
            }
        };
        let follows = followed_keys(&calendar_keys(secret, &caller.group, &caller.user_id), &request.follow);
        let sources = index_of(&events, &follows);
        // Hashing is the slow part: done once the rest is known to be valid.
        let lock = match request.password {
            PasswordChange::Keep => current_lock.cloned(),
            PasswordChange::Remove => None,
            PasswordChange::Set(password) => Some(super::password_work::lock_with(password).await),
        };
        Ok(Self { options: request.options, events, left_out, sources, lock, sealed: request.sealed, follows })
    }

    /// The record of this publication under `id`, and its snapshot as written: pieces of `existing`
    /// (the share it replaces) kept where they hold the same bytes.
    fn record(
        &self,
        id: ShareId,
        caller: &Caller,
        created_at: Timestamp,
        now: Timestamp,
        existing: Option<&ShareRecord>,
    ) -> (ShareRecord, SnapshotWrite) {
        let generation = Generation::generate();
        let stored = match &self.sealed {
            Some(sealed) => Stored::Sealed(sealed.ciphertext()),
            None => Stored::Events(&self.events),
        };
        let snapshot = match existing {
            Some(existing) => lay_out(stored, &generation, &self.options, Some(existing)),
            None => lay_out_new(stored, &generation, false),
        };
        let event_count = match &self.sealed {
            Some(sealed) => sealed.event_count(),
            None => u32::try_from(self.events.len()).expect("at most 10,000 events"),
        };
        let record = ShareRecord {
            id,
            group: caller.group.clone(),
            owner: Owner { user_id: caller.user_id.clone(), email: caller.email.clone() },
            options: self.options.clone(),
            event_count,
            left_out: self.left_out,
            created_at,
            updated_at: now,
            generation,
            pieces: snapshot.pieces.clone(),
            source_buckets: self.sources.mask(),
            rotated_from: None,
            follows: self.follows.clone(),
            sealed: self.sealed.is_some(),
            lock: self.lock.clone(),
        };
        (record, snapshot)
    }
}

/// What a share's pieces hold: its events, or a sealed share's ciphertext.
#[derive(Clone, Copy)]
pub(super) enum Stored<'a> {
    Events(&'a [SharedEvent]),
    Sealed(&'a [u8]),
}

impl Stored<'_> {
    fn encode(self, few: bool) -> Vec<snapshot::EncodedPiece> {
        match self {
            Self::Events(events) if few => snapshot::encode_few(events),
            Self::Events(events) => snapshot::encode(events),
            Self::Sealed(ciphertext) => snapshot::encode_sealed(ciphertext),
        }
    }
}

/// The snapshot of a write under a new id: every piece stored anew, pending until its commit seals
/// it. A rotation (`few`) stores as few pieces as the size allows: its commit also deletes the old
/// id's pieces, and both fit one transaction.
fn lay_out_new(stored: Stored<'_>, generation: &Generation, few: bool) -> SnapshotWrite {
    SnapshotWrite::lay_out(stored.encode(few), generation, &[])
}

/// The snapshot of `events` as a write under `generation` stores it: a piece of `existing` (the
/// snapshot the write replaces) is kept where its bytes are the same and its TTL still holds (the
/// share's expiry unchanged); every other piece is written anew.
pub(super) fn lay_out(
    stored: Stored<'_>,
    generation: &Generation,
    options: &ShareOptions,
    existing: Option<&ShareRecord>,
) -> SnapshotWrite {
    let kept = existing.filter(|existing| existing.options.expires_at == options.expires_at);
    SnapshotWrite::lay_out(stored.encode(false), generation, kept.map_or(&[], |existing| &existing.pieces))
}

/// The feed stays complete, so a snapshot is stored only if its feed can be sent; `now` is the
/// record's `updatedAt`, the feed's stamp.
pub(super) fn check_feed_fits(
    options: &ShareOptions,
    now: Timestamp,
    events: &[SharedEvent],
    pointer: &str,
) -> ServiceResult<()> {
    check_feed_size(options, now, events)
        .map(|_| ())
        .map_err(|too_large| ServiceError::Invalid(ValidationErrors::single(pointer, too_large.to_string())))
}

/// The source index of a share: its events' source keys and the keys of the calendars it follows, so
/// one lookup finds the shares that hold an event and those that follow its calendar.
pub(super) fn index_of(events: &[SharedEvent], follows: &[SourceKey]) -> SourceIndex {
    SourceIndex::of(events.iter().filter_map(|event| event.source.as_ref()).chain(follows))
}

/// An `Idempotency-Key` as the store sees it: digests of the caller-scoped key and of the body.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub key_digest: String,
    pub body_digest: String,
}

impl IdempotencyClaim {
    /// "The same body" means the same JSON: key order and white space do not count.
    pub fn new(caller: &Caller, key: &str, body: &[u8]) -> Self {
        let scoped = format!("{}\0{}\0{}", caller.group, caller.user_id, key);
        let canonical =
            serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| serde_json::to_vec(&v).ok());
        Self {
            key_digest: hex_digest(scoped.as_bytes()),
            body_digest: hex_digest(canonical.as_deref().unwrap_or(body)),
        }
    }
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the snapshot's fresh pieces (pending, if the commit seals them), then commits, then
/// removes the pieces the commit dropped under the share's own id (a rotation's commit deletes the
/// old id's itself). After a failure known to have changed nothing it removes the pieces it wrote
/// (no other write names them); after a commit whose outcome is unknown it removes nothing: the
/// record may list them. What it cannot remove waits for the share's next sweep, its revoke or
/// its TTL (a pending piece's own, within the hour).
pub(super) async fn write_and_commit<S: ShareWrites>(
    store: &S,
    commit: ShareCommit,
    fresh: &[(SnapshotPiece, Vec<u8>)],
) -> Result<(), StoreError> {
    let record = commit.record.clone();
    let dropped = commit
        .superseded
        .as_ref()
        .filter(|old| old.id == record.id)
        .map(|old| (old.id.clone(), old.dropped_by(&record)));
    let pending = !commit.seal.is_empty();
    // Before the commit nothing a reader sees has changed, whatever became of these writes.
    let mut result = store.put_pieces(&record, fresh, pending).await.map_err(|error| match error {
        StoreError::Indeterminate(why) => StoreError::Unavailable(why),
        other => other,
    });
    if result.is_ok() {
        result = store.commit(commit).await;
    }
    let (leftovers, of) = match &result {
        Ok(()) => match dropped {
            Some((id, dropped)) => (dropped, id),
            None => return Ok(()),
        },
        Err(StoreError::Indeterminate(_)) => {
            tracing::warn!(share = %record.id.log_ref(), "the store did not say whether a commit applied");
            return result;
        }
        Err(_) => (fresh.iter().map(|(piece, _)| piece.clone()).collect(), record.id.clone()),
    };
    if !leftovers.is_empty()
        && let Err(cleanup) = store.delete_pieces(&of, &leftovers).await
    {
        tracing::warn!(share = %of.log_ref(), error = %cleanup, "pieces no record lists wait for the share's next sweep");
    }
    result
}

/// Removes what failed writes left under a share's id. Best effort: what it misses stays marked
/// for the next sweep and the TTL.
pub(super) async fn sweep<S: ShareWrites>(store: &S, id: &ShareId, current: Option<&ShareRecord>) {
    if let Err(error) = store.sweep_leftovers(id, current).await {
        tracing::warn!(share = %id.log_ref(), error = %error, "could not sweep leftovers of failed writes");
    }
}

/// Who publishes, with what secret their source ids are keyed.
pub struct Publisher<'a> {
    pub caller: &'a Caller,
    pub standing: &'a Standing,
    pub secret: &'a SourceIdSecret,
}

pub async fn publish_share<S: ShareReads + ShareWrites>(
    store: &S,
    publisher: &Publisher<'_>,
    request: PublishRequest,
    idempotency: Option<IdempotencyClaim>,
    now: Timestamp,
) -> ServiceResult<ShareRecord> {
    let Publisher { caller, standing, secret } = *publisher;
    if let Some(claim) = &idempotency
        && let Some(previous) = replay(store, claim).await?
    {
        return Ok(previous);
    }
    let publication = Publication::prepare(request, standing, caller, secret, None, now).await?;
    let (record, snapshot) = publication.record(ShareId::generate(), caller, now, now, None);
    let idempotency_record = idempotency.as_ref().map(|claim| IdempotencyRecord {
        key_digest: claim.key_digest.clone(),
        body_digest: claim.body_digest.clone(),
        outcome: IdempotentOutcome::Published(record.id.clone()),
        expires_at: now + IDEMPOTENCY_KEEP,
    });
    let sources = IndexWrite::between(None, &record.id, &publication.sources);
    let commit = ShareCommit::new_share(record.clone(), sources)
        .sealing(record.pieces.clone())
        .with_idempotency(idempotency_record);
    match write_and_commit(store, commit, &snapshot.fresh).await {
        Ok(()) => {
            tracing::info!(share = %record.id.log_ref(), events = record.event_count, left_out = record.left_out.total(), "share published");
            Ok(record)
        }
        // A concurrent retry with the same key won the race: answer with its share.
        Err(StoreError::Conflict) if idempotency.is_some() => {
            let claim = idempotency.expect("checked");
            replay(store, &claim).await?.ok_or(ServiceError::Conflict(Conflict::ConcurrentRetry))
        }
        Err(error) => Err(error.into()),
    }
}

/// The share a request with the same key already created, if any.
async fn replay<S: ShareReads>(store: &S, claim: &IdempotencyClaim) -> ServiceResult<Option<ShareRecord>> {
    let Some(previous) = store.idempotency(&claim.key_digest).await? else { return Ok(None) };
    let IdempotentOutcome::Published(share_id) = previous.outcome else {
        return Err(ServiceError::Conflict(Conflict::KeyReusedWithOtherBody));
    };
    if previous.body_digest != claim.body_digest {
        return Err(ServiceError::Conflict(Conflict::KeyReusedWithOtherBody));
    }
    match store.share(&share_id).await? {
        Some(record) => Ok(Some(record)),
        None => Err(ServiceError::Conflict(Conflict::KeyForDeletedShare)),
    }
}

/// Replaces options and events in one switch: recipients see the old snapshot or the new one.
pub async fn replace_share<S: ShareReads + ShareWrites>(
    store: &S,
    publisher: &Publisher<'_>,
    existing: ShareRecord,
    request: PublishRequest,
    now: Timestamp,
) -> ServiceResult<ShareRecord> {
    let Publisher { caller, standing, secret } = *publisher;
    let publication = Publication::prepare(request, standing, caller, secret, existing.lock.as_ref(), now).await?;
    let (mut record, snapshot) =
        publication.record(existing.id.clone(), caller, existing.created_at, now, Some(&existing));
    // The id it was rotated from still forwards here until the revoke retires the marker.
    record.rotated_from = existing.rotated_from.clone();
    let sources = IndexWrite::between(Some((&existing, None)), &record.id, &publication.sources);
    let commit = ShareCommit::replacing(&existing, record.clone(), sources);
    write_and_commit(store, commit, &snapshot.fresh).await?;
    tracing::info!(share = %record.id.log_ref(), events = record.event_count, "share replaced");
    sweep(store, &record.id, Some(&record)).await;
    Ok(record)
}

/// Moves the share to a new id; the old link stops working in the same transaction. A new link is a
/// new publication: the group's current caps apply as at publish, and an expired share has none.
pub async fn rotate_share<S: ShareReads + ShareWrites>(
    store: &S,
    standing: &Standing,
    existing: ShareRecord,
    now: Timestamp,
) -> ServiceResult<ShareRecord> {
    standing.require_sharing()?;
    let options = &existing.options;
    let mut errors = standing.policy.check_publish(options.detail, options.expires_at, now);
    if options.expires_at.is_some_and(|at| at <= now) {
        errors.push("/expiresAt", "must be in the future");
    }
    standing.policy.check_password(existing.lock.is_some(), &mut errors);
    standing.policy.check_sealing(existing.sealed, &mut errors);
    errors.into_result().map_err(ServiceError::Invalid)?;
    let published = store.published(&existing.id).await?.ok_or(ServiceError::NotFound)?;
    if published.record.generation != existing.generation {
        return Err(ServiceError::Conflict(Conflict::ChangedConcurrently));
    }
    // The new id's index items are the old ones': the snapshot's keys do not change with the id. A
    // sealed share keeps its ciphertext, so the same key opens the new id.
    let (events, ciphertext) = match existing.sealed {
        true => (Vec::new(), published.chunks.concat()),
        false => (super::snapshot_events(&published.chunks)?, Vec::new()),
    };
    let stored = if existing.sealed { Stored::Sealed(&ciphertext) } else { Stored::Events(&events) };
    let sources = index_of(&events, &existing.follows);
    let mut record = existing.clone();
    record.id = ShareId::generate();
    record.generation = Generation::generate();
    let snapshot = lay_out_new(stored, &record.generation, true);
    record.pieces = snapshot.pieces;
    record.updated_at = now;
    record.source_buckets = sources.mask();
    record.rotated_from = Some(existing.id.clone());
    // A new link is a new lock: cookies and the feed key of the old one open nothing.
    record.lock = existing.lock.as_ref().map(ShareLock::reissued);
    let sources = IndexWrite::between(Some((&existing, Some(&sources))), &record.id, &sources);
    let commit = ShareCommit::moving(&existing, record.clone(), sources).sealing(record.pieces.clone());
    write_and_commit(store, commit, &snapshot.fresh).await?;
    tracing::info!(share = %record.id.log_ref(), "share rotated");
    // The old id holds no snapshot now, only what failed writes left.
    sweep(store, &existing.id, None).await;
    Ok(record)
}

/// How many times a revoke follows a share that changed under it before it gives up (409).
const REVOKE_FOLLOWS: usize = 8;

/// Deletes the share and every stored item of it. A share that changed under the delete (re-published,
/// or rotated to a new id) is followed and deleted where it is now: a success means no id of it serves.
pub async fn revoke_share<S: ShareReads + ShareWrites>(store: &S, record: ShareRecord) -> ServiceResult<()> {
    revoke(store, record).await.map(|_| ())
}

/// `revoke_share`, telling whether this call deleted the share (`false`: it was gone already).
pub(super) async fn revoke<S: ShareReads + ShareWrites>(store: &S, record: ShareRecord) -> ServiceResult<bool> {
    let mut target = record;
    for _ in 0..REVOKE_FOLLOWS {
        match store.delete_share(&target).await {
            Ok(()) => {
                tracing::info!(share = %target.id.log_ref(), "share revoked");
                return Ok(true);
            }
            Err(StoreError::Conflict) => match current_share(store, &target.id).await? {
                Some(current) => target = current,
                // Someone else revoked it first.
                None => return Ok(false),
            },
            Err(error) => return Err(error.into()),
        }
    }
    Err(ServiceError::Conflict(Conflict::ChangedConcurrently))
}

/// The share as it is now, following its id forward through rotations.
async fn current_share<S: ShareReads>(store: &S, id: &ShareId) -> ServiceResult<Option<ShareRecord>> {
    following_rotations(store, id, |id| async move { store.share(&id).await }).await
}

/// What `read` finds under `id` or, once `id` was rotated away, under the id the share has now.
pub(super) async fn following_rotations<S, T, Fut>(
    store: &S,
    id: &ShareId,
    read: impl Fn(ShareId) -> Fut,
) -> ServiceResult<Option<T>>
where
    S: ShareReads,
    Fut: Future<Output = StoreResult<Option<T>>>,
{
    let mut id = id.clone();
    for _ in 0..REVOKE_FOLLOWS {
        if let Some(found) = read(id.clone()).await? {
            return Ok(Some(found));
        }
        match store.forwarded_to(&id).await? {
            Some(to) => id = to,
            None => return Ok(None),
        }
    }
    Err(ServiceError::Conflict(Conflict::ChangedConcurrently))
}
