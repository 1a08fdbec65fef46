//! Wrong unlock tries under `LOCKOUT#{id}`: one item per share holding its window's start and count,
//! with a TTL at the window's end. Both writes are conditional UpdateItems, so every instance counts
//! into the same window. Beside it, one item per window of the clock counts the share's password
//! checks (an atomic ADD), gone with its TTL.

use super::errors::store_error;
use super::items::{n, read_attribute};
use super::{DynamoStore, keys};
use crate::domain::{ShareId, WrongTries};
use crate::store::{LockoutCounts, StoreError, StoreResult};
use aws_sdk_dynamodb::types::ReturnValue;
use jiff::{SignedDuration, Timestamp};

/// Enough for any race: a try loses one only to another that opened the same window.
const COUNT_ATTEMPTS: usize = 4;

fn tries_of(item: Option<super::Item>) -> StoreResult<Option<WrongTries>> {
    let Some(mut item) = item else { return Ok(None) };
    let start: i64 = read_attribute(&mut item, "windowStart")?;
    let count: u32 = read_attribute(&mut item, "wrongTries")?;
    let window_start = Timestamp::from_millisecond(start)
        .map_err(|_| StoreError::Inconsistent("lockout window out of range".into()))?;
    Ok(Some(WrongTries { window_start, count }))
}

impl LockoutCounts for DynamoStore {
    async fn count_wrong_try(&self, id: &ShareId, now: Timestamp, window: SignedDuration) -> StoreResult<WrongTries> {
        let key = keys::of(keys::lockout(id), keys::LOCKOUT_SK);
        let cutoff = n((now - window).as_millisecond());
        for _ in 0..COUNT_ATTEMPTS {
            let counted = self
                .client
                .update_item()
                .table_name(self.table())
                .set_key(Some(key.clone()))
                .update_expression("ADD wrongTries :one")
                .condition_expression("windowStart > :cutoff AND wrongTries > :zero")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":cutoff", cutoff.clone())
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            match counted.map_err(|e| store_error("UpdateItem", e)) {
                Ok(output) => return tries_of(output.attributes).and_then(|t| t.ok_or(StoreError::Conflict)),
                Err(StoreError::Conflict) => {}
                Err(error) => return Err(error),
            }
            let opened = self
                .client
                .update_item()
                .table_name(self.table())
                .set_key(Some(key.clone()))
                .update_expression("SET windowStart = :now, wrongTries = :one, #ttl = :ttl")
                .condition_expression(
                    "attribute_not_exists(windowStart) OR windowStart <= :cutoff OR wrongTries = :zero",
                )
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":now", n(now.as_millisecond()))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":ttl", n((now + window).as_second() + 1))
                .expression_attribute_values(":cutoff", cutoff.clone())
                .expression_attribute_values(":zero", n(0))
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            match opened.map_err(|e| store_error("UpdateItem", e)) {
                Ok(output) => return tries_of(output.attributes).and_then(|t| t.ok_or(StoreError::Conflict)),
                // Another instance opened the window first: count into it.
                Err(StoreError::Conflict) => {}
                Err(error) => return Err(error),
            }
        }
        Err(StoreError::Unavailable("UpdateItem: lockout count kept conflicting".into()))
    }

    async fn count_check(&self, id: &ShareId, window_start: Timestamp, window: SignedDuration) -> StoreResult<u32> {
        let counted = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::of(keys::lockout(id), keys::checks_sk(window_start))))
            .update_expression("ADD checks :one SET #ttl = :ttl")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n((window_start + window).as_second() + 1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| store_error("UpdateItem", e))?;
        let Some(mut attributes) = counted.attributes else {
            return Err(StoreError::Inconsistent("a counted check has no count".into()));
        };
        read_attribute(&mut attributes, "checks")
    }

    async fn refund_try(&self, id: &ShareId, window_start: Timestamp) -> StoreResult<()> {
        let refunded = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(keys::of(keys::lockout(id), keys::LOCKOUT_SK)))
            .update_expression("ADD wrongTries :minus_one")
            .condition_expression("windowStart = :start AND wrongTries > :zero")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":start", n(window_start.as_millisecond()))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        match refunded.map_err(|e| store_error("UpdateItem", e)) {
            // The window is over (or another refund took the last try): nothing to take back.
            Ok(_) | Err(StoreError::Conflict) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
