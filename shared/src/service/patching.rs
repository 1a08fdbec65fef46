//! `PATCH /shares/{id}`: options that need no events, changed in one conditional switch of the
//! record. The snapshot's pieces are kept as they are, unless the expiry moves: the pieces and the
//! source index items carry the share's expiry (their TTL), so then they are written again, with
//! the same bytes.

use super::publishing::{Stored, check_feed_fits, index_of, lay_out, write_and_commit};
use super::{Conflict, ServiceError, ServiceResult, Standing, snapshot_events};
use crate::domain::{Generation, PasswordChange, ShareRecord};
use crate::store::{IndexWrite, ShareCommit, ShareReads, ShareWrites};
use jiff::Timestamp;
use share_calendar::publish_request::OptionsPatch;

/// Applies `patch` to the caller's own share `existing`. The group's caps apply to what it sets, as
/// at publish: an expiry within `maxExpiryDays`, a password kept where one is required. A share
/// that changed meanwhile (a `PUT`, a rotate, a revoke) makes it a 409 with nothing changed.
pub async fn patch_share<S: ShareReads + ShareWrites>(
    store: &S,
    standing: &Standing,
    existing: ShareRecord,
    patch: OptionsPatch,
    now: Timestamp,
) -> ServiceResult<ShareRecord> {
    standing.require_sharing()?;
    if patch.is_empty() {
        return Ok(existing);
    }
    let mut errors = crate::domain::ValidationErrors::new();
    let options = match patch.apply(&existing.options, existing.sealed) {
        Ok(options) => options,
        Err(broken) => {
            errors = broken;
            existing.options.clone()
        }
    };
    if patch.sets_expiry() {
        standing.policy.check_expiry(options.expires_at, now, &mut errors);
    }
    if matches!(patch.password, PasswordChange::Remove) {
        standing.policy.check_password(false, &mut errors);
    }
    errors.into_result().map_err(ServiceError::Invalid)?;

    let mut record = existing.clone();
    record.options = options;
    record.updated_at = now;
    record.generation = Generation::generate();
    let expiry_moved = record.options.expires_at != existing.options.expires_at;
    // The feed names the share by its title: a longer one must still let the feed be sent.
    let title_grew = !existing.sealed && record.options.title.len() > existing.options.title.len();
    let (fresh, sources) = if expiry_moved || title_grew {
        let published = store.published(&existing.id).await?.ok_or(ServiceError::NotFound)?;
        if published.record.generation != existing.generation {
            return Err(ServiceError::Conflict(Conflict::ChangedConcurrently));
        }
        let (events, ciphertext) = match existing.sealed {
            true => (Vec::new(), published.chunks.concat()),
            false => (snapshot_events(&published.chunks)?, Vec::new()),
        };
        if title_grew {
            check_feed_fits(&record.options, now, &events, "/title")?;
        }
        let stored = if existing.sealed { Stored::Sealed(&ciphertext) } else { Stored::Events(&events) };
        // Pieces are kept where the expiry (their TTL) is the same, so only a moved expiry rewrites.
        let snapshot = lay_out(stored, &record.generation, &record.options, Some(&existing));
        record.pieces = snapshot.pieces;
        let index = index_of(&events, &existing.follows);
        record.source_buckets = index.mask();
        let sources = match expiry_moved {
            true => IndexWrite::between(Some((&existing, None)), &record.id, &index),
            false => IndexWrite::default(),
        };
        (snapshot.fresh, sources)
    } else {
        (Vec::new(), IndexWrite::default())
    };
    record.lock = match patch.password {
        PasswordChange::Keep => existing.lock.clone(),
        PasswordChange::Remove => None,
        // A new lock: cookies of the old password open nothing, and the feed has a new key.
        PasswordChange::Set(password) => Some(super::password_work::lock_with(password).await),
    };
    let rewrote = !fresh.is_empty();
    write_and_commit(store, ShareCommit::replacing(&existing, record.clone(), sources), &fresh).await?;
    tracing::info!(share = %record.id.log_ref(), pieces_written = fresh.len(), "share options patched");
    if rewrote {
        super::publishing::sweep(store, &record.id, Some(&record)).await;
    }
    Ok(record)
}
