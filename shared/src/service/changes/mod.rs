//! Live updates: edits made at the source, pushed into every share of the caller that holds the edited
//! events. The owner's source index names the candidates; each one's snapshot decides. A share
//! switches as a re-publish does (one commit: old or new, never a mix); the call as a whole is not one
//! transaction, so a failure midway says which shares already switched.

mod rounds;

use super::Caller;
use super::publishing::{
    IdempotencyClaim, Publisher, Stored, check_feed_fits, following_rotations, index_of, lay_out, write_and_commit,
};
use super::{Conflict, ServiceError, ServiceResult, snapshot_events};
use crate::domain::ValidationErrors;
use crate::domain::follow::calendar_keys;
use crate::domain::{Generation, ShareId, ShareRecord, SharedEvent, SnapshotPiece, SourceKey};
use crate::sources::minimize::{EventOrigin, RangeBounds, minimize, minimize_changed};
use crate::sources::{self, MAX_EVENTS, ReadContext, SourceEvent, SourceFormat};
use crate::store::{IndexWrite, ShareCommit, ShareReads, ShareWrites, StoreError};
use futures_util::{StreamExt, stream};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rounds::{Progress, Round, progress, remember};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

/// A `POST /me/changes` body as read (`http::changes_request` parses it).
#[derive(Debug, Clone)]
pub struct ChangesRequest {
    pub format: SourceFormat,
    /// As read with UTC for a zone (only athena's local times depend on the share's zone).
    pub(crate) changed: Vec<SourceEvent>,
    pub(crate) raw_changed: Option<Box<RawValue>>,
    /// Each format's options from the body (athena's directory), read with UTC for a zone.
    pub(crate) context: ReadContext,
    pub removed: Vec<String>,
    /// The source calendar the changed events come from: those a share does not hold join the
    /// caller's shares that follow it.
    pub calendar: Option<String>,
}

impl ChangesRequest {
    /// Whether the call names no event at all.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    /// The changed events with their times read for a share in `zone`: athena's times are local to a
    /// department, whose zone defaults to the share's; iCalendar's floating times are the share's.
    pub fn changed_in(&self, zone: &TimeZone) -> Vec<SourceEvent> {
        match (&self.raw_changed, self.format) {
            (Some(raw), SourceFormat::Athena | SourceFormat::Ical) if zone != &TimeZone::UTC => {
                let context = self.context.in_zone(zone.clone());
                let mut errors = ValidationErrors::new();
                sources::read_events(self.format, raw, "/changed", &context, &mut errors).unwrap_or_default()
            }
            _ => self.changed.clone(),
        }
    }
}

/// Shares read, or committed, at once.
const CONCURRENT_SHARES: usize = 8;
/// Attempts at one share that keeps changing under the update (each re-reads it).
const SHARE_ATTEMPTS: usize = 3;

/// How much one call does: a round reads and rewrites a bounded number of shares and events, and
/// holds a bounded number of bytes of planned snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeLimits {
    /// Compressed bytes of new snapshots held between planning and writing; a share planned past
    /// this is planned again just before it is written, so a call's memory does not grow with the
    /// number of shares it rewrites (each is at most a few MiB: the feed cap).
    pub held_bytes: usize,
    /// Shares one round plans (and so at most rewrites).
    pub shares_per_round: usize,
    /// Stored events of the shares one round plans, all of each share's counted.
    pub events_per_round: usize,
}

impl Default for ChangeLimits {
    fn default() -> Self {
        Self { held_bytes: 32 * 1024 * 1024, shares_per_round: 20, events_per_round: 50_000 }
    }
}

/// Why a call without a key is refused when it needs more than one round.
pub const KEY_NEEDED: &str = "this change reaches more shares than one call rewrites: send it with an Idempotency-Key, \
     then again with the same key while the answer says \"more\": true";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedShare {
    pub id: ShareId,
    pub event_count: u32,
}

/// The answer to `POST /me/changes`, as the contract shapes it: the shares this round switched, the
/// events matched so far in all rounds, and whether a round is left (`more`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangesOutcome {
    pub shares_updated: Vec<UpdatedShare>,
    pub changed_matched: usize,
    pub removed_matched: usize,
    /// Changed events that joined a share following their calendar.
    #[serde(default)]
    pub added_matched: usize,
    #[serde(default)]
    pub more: bool,
}

/// The request's events and ids as source keys of the caller's.
struct KeyedChanges {
    request: ChangesRequest,
    origin: EventOrigin,
    removed: HashSet<SourceKey>,
    /// The key of the calendar the changed events come from (the caller's own).
    calendar: Option<SourceKey>,
}

impl KeyedChanges {
    fn new(request: ChangesRequest, publisher: &Publisher<'_>) -> Self {
        let caller = publisher.caller;
        let origin = EventOrigin::new(publisher.secret, &caller.group, &caller.user_id, request.format);
        let removed = request.removed.iter().map(|id| origin.keys().key_of(id)).collect();
        let calendar = request
            .calendar
            .as_ref()
            .map(|id| calendar_keys(publisher.secret, &caller.group, &caller.user_id).key_of(id));
        Self { request, origin, removed, calendar }
    }

    /// The changed events keyed, read for a share in `zone`.
    fn changed_in(&self, zone: &TimeZone) -> HashMap<SourceKey, SourceEvent> {
        let events = self.request.changed_in(zone);
        events.into_iter().filter_map(|event| Some((self.origin.source_key(&event)?, event))).collect()
    }

    /// What the index is asked for: the events' keys, and the calendar's (its followers).
    fn all_keys(&self) -> Vec<SourceKey> {
        let changed = self.changed_in(&TimeZone::UTC).into_keys();
        changed.chain(self.removed.iter().copied()).chain(self.calendar).collect()
    }
}

/// What one share holds of the call, and its new snapshot if that differs.
struct Plan {
    changed_matched: HashSet<SourceKey>,
    removed_matched: HashSet<SourceKey>,
    added_matched: HashSet<SourceKey>,
    rewrite: Option<Rewrite>,
}

struct Rewrite {
    commit: ShareCommit,
    /// The pieces the new snapshot does not keep from the current one.
    fresh: Vec<(SnapshotPiece, Vec<u8>)>,
}

impl Rewrite {
    fn held_bytes(&self) -> usize {
        self.fresh.iter().map(|(_, bytes)| bytes.len()).sum()
    }
}

/// A share to switch: its new snapshot in hand, or planned again when its turn comes.
enum Pending {
    Held(Box<Rewrite>),
    PlanAgain(ShareId),
}

pub async fn apply_changes<S: ShareReads + ShareWrites>(
    store: &S,
    publisher: &Publisher<'_>,
    request: ChangesRequest,
    idempotency: Option<IdempotencyClaim>,
    limits: ChangeLimits,
    now: Timestamp,
) -> ServiceResult<ChangesOutcome> {
    publisher.standing.require_sharing()?;
    let (round, before) = match &idempotency {
        Some(claim) => match progress(store, claim).await? {
            Progress::Done(answer) => return Ok(answer),
            Progress::Next { round, before } => (round, before),
        },
        None => (0, Round::default()),
    };
    let caller = publisher.caller;
    let changes = KeyedChanges::new(request, publisher);
    let mut candidates = match changes.request.is_empty() {
        true => Vec::new(),
        false => store.shares_holding(&caller.group, &caller.user_id, &changes.all_keys(), now).await?,
    };
    candidates.sort();
    candidates.dedup();
    candidates.retain(|id| before.after.as_ref().is_none_or(|after| id > after));
    let (candidates, more) = this_round(store, candidates, limits).await?;
    if more && idempotency.is_none() {
        return Err(ServiceError::Invalid(ValidationErrors::single("/", KEY_NEEDED)));
    }
    let after = candidates.last().cloned().or(before.after.clone());
    // Every share of the round is planned before any is written: a change one share cannot take
    // (its feed would grow past what can be sent) changes none of them.
    let changes = &changes;
    let mut plans = stream::iter(candidates)
        .map(|id| async move { plan(store, caller, changes, &id, now).await })
        .buffer_unordered(CONCURRENT_SHARES);
    let mut changed_matched: HashSet<SourceKey> = before.changed_keys.iter().copied().collect();
    let mut removed_matched: HashSet<SourceKey> = before.removed_keys.iter().copied().collect();
    let mut added_matched: HashSet<SourceKey> = before.added_keys.iter().copied().collect();
    let (mut pending, mut held, mut switching) = (Vec::new(), 0usize, HashSet::new());
    while let Some(planned) = plans.next().await {
        let Some(plan) = planned? else { continue };
        changed_matched.extend(plan.changed_matched);
        removed_matched.extend(plan.removed_matched);
        added_matched.extend(plan.added_matched);
        let Some(rewrite) = plan.rewrite else { continue };
        // A share reached twice (its old id from the index, then its new one after a rotation) is
        // written once.
        if !switching.insert(rewrite.commit.record.id.clone()) {
            continue;
        }
        let bytes = rewrite.held_bytes();
        pending.push(if held + bytes <= limits.held_bytes {
            held += bytes;
            Pending::Held(Box::new(rewrite))
        } else {
            Pending::PlanAgain(rewrite.commit.record.id)
        });
    }
    let results: Vec<ServiceResult<Option<UpdatedShare>>> = stream::iter(pending)
        .map(|pending| switch(store, caller, changes, pending, now))
        .buffer_unordered(CONCURRENT_SHARES)
        .collect()
        .await;
    let mut shares_updated = Vec::new();
    let mut failure = None;
    for result in results {
        match result {
            Ok(updated) => shares_updated.extend(updated),
            Err(error) => failure = failure.or(Some(error)),
        }
    }
    shares_updated.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(cause) = failure {
        tracing::warn!(switched = shares_updated.len(), error = %cause, "live update stopped midway");
        // A store failure always says what was switched (maybe nothing); another refusal does when
        // something was.
        return Err(match shares_updated.is_empty() && !matches!(cause, ServiceError::Store(_)) {
            true => cause,
            false => ServiceError::Midway {
                cause: Box::new(cause),
                shares_updated: shares_updated.into_iter().map(|share| (share.id, share.event_count)).collect(),
            },
        });
    }
    let outcome = ChangesOutcome {
        shares_updated,
        changed_matched: changed_matched.len(),
        removed_matched: removed_matched.len(),
        added_matched: added_matched.len(),
        more,
    };
    tracing::info!(shares = outcome.shares_updated.len(), round, more, "live update applied");
    match idempotency {
        Some(claim) => {
            let changed_keys = changed_matched.into_iter().collect();
            let removed_keys = removed_matched.into_iter().collect();
            let added_keys = added_matched.into_iter().collect();
            let round_kept = Round { answer: outcome, after, changed_keys, removed_keys, added_keys };
            remember(store, &claim, round, round_kept, now).await
        }
        None => Ok(outcome),
    }
}

/// The candidates (in id order) this round takes: as many as the limits allow, each counted with all
/// its stored events as its record says; and whether any are left for another round.
async fn this_round<S: ShareReads>(
    store: &S,
    candidates: Vec<ShareId>,
    limits: ChangeLimits,
) -> ServiceResult<(Vec<ShareId>, bool)> {
    // A round of so few shares that even full ones fit needs no count of their events.
    if candidates.len() <= limits.shares_per_round && candidates.len() * MAX_EVENTS <= limits.events_per_round {
        return Ok((candidates, false));
    }
    let mut records = stream::iter(candidates.iter().cloned())
        .map(|id| async move { store.share(&id).await })
        .buffered(CONCURRENT_SHARES);
    let (mut taken, mut events) = (0usize, 0usize);
    while let Some(record) = records.next().await {
        // A share rotated since the index was read is planned under its new id, if the index holds it.
        let count = record?.map_or(0, |record| record.event_count as usize);
        if taken == limits.shares_per_round || (taken > 0 && events + count > limits.events_per_round) {
            break;
        }
        taken += 1;
        events += count;
    }
    drop(records);
    let more = taken < candidates.len();
    Ok((candidates.into_iter().take(taken).collect(), more))
}

/// Commits a share's new snapshot; if the share changed since it was read, reads and plans it again
/// (`None` when it then needs no change).
async fn switch<S: ShareReads + ShareWrites>(
    store: &S,
    caller: &Caller,
    changes: &KeyedChanges,
    pending: Pending,
    now: Timestamp,
) -> ServiceResult<Option<UpdatedShare>> {
    let mut rewrite = match pending {
        Pending::Held(rewrite) => *rewrite,
        Pending::PlanAgain(id) => match plan(store, caller, changes, &id, now).await?.and_then(|plan| plan.rewrite) {
            Some(rewrite) => rewrite,
            None => return Ok(None),
        },
    };
    for _ in 0..SHARE_ATTEMPTS {
        let record = rewrite.commit.record.clone();
        match write_and_commit(store, rewrite.commit, &rewrite.fresh).await {
            Ok(()) => {
                tracing::info!(share = %record.id.log_ref(), events = record.event_count, "share updated from its source");
                return Ok(Some(UpdatedShare { id: record.id, event_count: record.event_count }));
            }
            Err(StoreError::Conflict) => {
                match plan(store, caller, changes, &record.id, now).await?.and_then(|plan| plan.rewrite) {
                    Some(again) => rewrite = again,
                    // Revoked, or a concurrent re-publish no longer holds the events: nothing to do.
                    None => return Ok(None),
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(ServiceError::Conflict(Conflict::ChangedConcurrently))
}

/// What the share holds of the call, and its new snapshot; `None` for a share that is gone, expired
/// or not the caller's (the index is the owner's own, so only a race gets here).
async fn plan<S: ShareReads>(
    store: &S,
    caller: &Caller,
    changes: &KeyedChanges,
    id: &ShareId,
    now: Timestamp,
) -> ServiceResult<Option<Plan>> {
    // The index may have been read just before a rotation moved the share to a new id.
    let read = |id: ShareId| async move { store.published(&id).await };
    let Some(published) = following_rotations(store, id, read).await? else { return Ok(None) };
    let record = published.record;
    // A sealed share holds nothing the index could name; its publisher re-seals and `PUT`s.
    if record.group != caller.group || record.owner.user_id != caller.user_id || record.is_expired(now) || record.sealed
    {
        return Ok(None);
    }
    let stored = snapshot_events(&published.chunks)?;
    let zone = record.options.time_zone.zone();
    let changed = changes.changed_in(zone);
    // A rolling share's window as of today: what it left behind goes at this write.
    let bounds = RangeBounds::new(record.options.range_at(now), zone);
    let mut left_out = record.left_out;
    let mut plan = Plan {
        changed_matched: HashSet::new(),
        removed_matched: HashSet::new(),
        added_matched: HashSet::new(),
        rewrite: None,
    };
    let mut events: Vec<SharedEvent> = Vec::with_capacity(stored.len());
    let mut held = HashSet::new();
    for event in &stored {
        if record.options.rolling.is_some() && !bounds.overlaps(event.start, event.end) {
            left_out.outside_range += 1;
            continue;
        }
        let Some(key) = event.source else {
            events.push(event.clone());
            continue;
        };
        held.insert(key);
        if changes.removed.contains(&key) {
            plan.removed_matched.insert(key);
        } else if let Some(change) = changed.get(&key) {
            plan.changed_matched.insert(key);
            match minimize_changed(change, record.options.detail, &bounds, event) {
                Ok(kept) => events.push(kept),
                Err(why) => {
                    left_out.cancelled += why.cancelled;
                    left_out.outside_range += why.outside_range;
                }
            }
        } else {
            events.push(event.clone());
        }
    }
    if changes.calendar.is_some_and(|calendar| record.follows.contains(&calendar)) {
        let joining = changed.into_iter().filter(|(key, _)| !held.contains(key));
        for (key, event) in joining {
            // Minimised as at publish; one its range or window does not cover does not join.
            let (kept, _) = minimize(vec![event], record.options.detail, &bounds, &changes.origin);
            if !kept.is_empty() {
                plan.added_matched.insert(key);
                events.extend(kept);
            }
        }
        if events.len() > MAX_EVENTS {
            let message = format!("a share holds at most {MAX_EVENTS} events: the changed events would not join it");
            return Err(ServiceError::Invalid(ValidationErrors::single("/changed", message)));
        }
    }
    bounds.sort(&mut events);
    if events != stored {
        check_feed_fits(&record.options, now, &events, "/changed")?;
        plan.rewrite = Some(rewrite(record, &stored, events, left_out, now));
    }
    Ok(Some(plan))
}

fn rewrite(
    existing: ShareRecord,
    stored: &[SharedEvent],
    events: Vec<SharedEvent>,
    left_out: crate::domain::LeftOut,
    now: Timestamp,
) -> Rewrite {
    let (before, after) = (index_of(stored, &existing.follows), index_of(&events, &existing.follows));
    let mut record = existing.clone();
    record.generation = Generation::generate();
    let snapshot = lay_out(Stored::Events(&events), &record.generation, &record.options, Some(&existing));
    record.updated_at = now;
    record.options.range = record.options.range_at(now);
    record.event_count = u32::try_from(events.len()).expect("at most 10,000 events");
    record.left_out = left_out;
    record.pieces = snapshot.pieces;
    record.source_buckets = after.mask();
    let sources = IndexWrite::between(Some((&existing, Some(&before))), &record.id, &after);
    let commit = ShareCommit::replacing(&existing, record, sources);
    Rewrite { commit, fresh: snapshot.fresh }
}
