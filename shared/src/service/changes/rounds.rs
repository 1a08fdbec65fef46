//! The rounds of a call with an `Idempotency-Key`: each keeps its answer under its own digest of the
//! key, with the share it stopped after and the keys matched so far, for its retries and the next round.

use super::ChangesOutcome;
use crate::domain::{ShareId, SourceKey};
use crate::service::publishing::IdempotencyClaim;
use crate::service::{Conflict, ServiceError, ServiceResult};
use crate::store::{IDEMPOTENCY_KEEP, IdempotencyRecord, IdempotentOutcome, ShareReads, ShareWrites, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What a round of a call with a key keeps for its retries and for the next round: its answer, the
/// last share it reached (shares are taken in id order) and the keys matched so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Round {
    #[serde(flatten)]
    pub answer: ChangesOutcome,
    #[serde(default)]
    pub after: Option<ShareId>,
    #[serde(default)]
    pub changed_keys: Vec<SourceKey>,
    #[serde(default)]
    pub removed_keys: Vec<SourceKey>,
    #[serde(default)]
    pub added_keys: Vec<SourceKey>,
}

/// Where a call with a key stands: answered in full, or at a round still to do.
pub(super) enum Progress {
    Done(ChangesOutcome),
    Next { round: u32, before: Round },
}

/// The idempotency digest of round `round` of a call: the key's own for the first round.
fn round_digest(claim: &IdempotencyClaim, round: u32) -> String {
    match round {
        0 => claim.key_digest.clone(),
        n => format!("{}.{n}", claim.key_digest),
    }
}

/// Where a call with this key stands: each round it did keeps its answer under its own digest.
pub(super) async fn progress<S: ShareReads>(store: &S, claim: &IdempotencyClaim) -> ServiceResult<Progress> {
    let mut before = Round::default();
    for round in 0.. {
        let Some(previous) = store.idempotency(&round_digest(claim, round)).await? else {
            return Ok(Progress::Next { round, before });
        };
        let IdempotentOutcome::Changed(answer) = previous.outcome else {
            return Err(ServiceError::Conflict(Conflict::KeyReusedWithOtherBody));
        };
        if previous.body_digest != claim.body_digest {
            return Err(ServiceError::Conflict(Conflict::KeyReusedWithOtherBody));
        }
        let kept: Round = serde_json::from_str(&answer)
            .map_err(|_| ServiceError::Store(StoreError::Inconsistent("idempotent answer unreadable".into())))?;
        if !kept.answer.more {
            return Ok(Progress::Done(kept.answer));
        }
        before = kept;
    }
    unreachable!("a call has fewer rounds than u32 holds")
}

/// Keeps the round's answer under its digest. A concurrent call with the same key that finished the
/// round first wins; keeping fails only with every share already switched, so the answer stands (a
/// retry finds nothing left to do).
pub(super) async fn remember<S: ShareReads + ShareWrites>(
    store: &S,
    claim: &IdempotencyClaim,
    round: u32,
    kept: Round,
    now: Timestamp,
) -> ServiceResult<ChangesOutcome> {
    let entry = IdempotencyRecord {
        key_digest: round_digest(claim, round),
        body_digest: claim.body_digest.clone(),
        outcome: IdempotentOutcome::Changed(serde_json::to_string(&kept).expect("the answer serializes")),
        expires_at: now + IDEMPOTENCY_KEEP,
    };
    match store.remember(&entry).await {
        Ok(()) => Ok(kept.answer),
        // A concurrent call with the same key kept this round first: its answer stands for both (the
        // shares are switched either way).
        Err(StoreError::Conflict) => match store.idempotency(&entry.key_digest).await {
            Ok(Some(IdempotencyRecord { outcome: IdempotentOutcome::Changed(answer), .. })) => {
                Ok(serde_json::from_str::<Round>(&answer).map_or(kept.answer, |winner| winner.answer))
            }
            _ => Ok(kept.answer),
        },
        Err(error) => {
            tracing::warn!(error = %error, "a live update's answer could not be kept for its retries");
            Ok(kept.answer)
        }
    }
}
