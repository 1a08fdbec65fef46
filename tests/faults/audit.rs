//! The audit after a fault: every item of the table is part of a whole share (its record, chunks and
//! source index items), a marked leftover that TTL will sweep, a moved-share marker, or an idempotency
//! or settings item. Anything else (a record missing chunks, an unmarked chunk no record points at, an
//! index item of no record's bucket, a bucket a record names without its item) is a finding.

use aws_sdk_dynamodb::types::AttributeValue;
use share_core::store::DynamoStore;
use std::collections::{BTreeMap, BTreeSet, HashMap};

type Item = HashMap<String, AttributeValue>;

/// How far ahead a leftover's TTL may lie (the store marks them for about an hour).
const LEFTOVER_TTL_WITHIN_SECS: i64 = 2 * 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSeen {
    pub generation: String,
    pub chunk_count: u32,
    /// The buckets of the owner's source index the record names (`sourceBuckets`).
    pub source_buckets: u16,
}

#[derive(Debug, Default)]
pub struct TableAudit {
    /// Share records by id.
    pub records: BTreeMap<String, RecordSeen>,
    /// Chunks marked `pending` with a near TTL, as `id chunk-key`.
    pub leftovers: Vec<String>,
    /// `MOVED` markers: (old id, new id).
    pub moved: Vec<(String, String)>,
    /// The sort keys under each share's partition.
    pub under: BTreeMap<String, BTreeSet<String>>,
    /// What breaks the rules, one line each.
    pub findings: Vec<String>,
}

struct ChunkSeen {
    id: String,
    generation: String,
    index: u32,
    sk: String,
    pending: bool,
    ttl: Option<i64>,
}

impl TableAudit {
    /// Scans the store's table (strongly consistent) and audits every item.
    pub async fn of(store: &DynamoStore) -> Self {
        let now = jiff::Timestamp::now().as_second();
        Self::of_items(crate::support::dynamo_local::scan_all(store).await, now)
    }

    /// The sort keys stored under a share's partition (none once it is revoked).
    pub fn items_under(&self, id: &str) -> Vec<String> {
        self.under.get(id).map(|keys| keys.iter().cloned().collect()).unwrap_or_default()
    }

    /// Leftovers under a share's partition.
    pub fn leftovers_of(&self, id: &str) -> Vec<&String> {
        self.leftovers.iter().filter(|leftover| leftover.split(' ').next() == Some(id)).collect()
    }

    pub fn of_items(items: Vec<Item>, now: i64) -> Self {
        let mut audit = Self::default();
        let mut chunks = Vec::new();
        let mut indexed: Vec<(String, u8)> = Vec::new();
        for item in &items {
            let (Some(pk), Some(sk)) = (text(item, "pk"), text(item, "sk")) else {
                audit.findings.push(format!("item without string keys: {:?}", item.keys().collect::<Vec<_>>()));
                continue;
            };
            if pk.starts_with("IDEMPOTENCY#") || pk.starts_with("GROUP#") {
                continue;
            }
            if let Some(owner_bucket) = pk.strip_prefix("SOURCES#") {
                match owner_bucket.rsplit_once('#').and_then(|(_, bucket)| u8::from_str_radix(bucket, 16).ok()) {
                    Some(bucket) if bucket < 16 => indexed.push((sk.to_owned(), bucket)),
                    _ => audit.findings.push(format!("source index item with a malformed key {pk}")),
                }
                continue;
            }
            let Some(id) = pk.strip_prefix("SHARE#") else {
                audit.findings.push(format!("unknown item {pk} / {sk}"));
                continue;
            };
            audit.under.entry(id.to_owned()).or_default().insert(sk.to_owned());
            match sk {
                "RECORD" => match record_seen(item) {
                    Some(record) => drop(audit.records.insert(id.to_owned(), record)),
                    None => audit.findings.push(format!("record {id} without `generation` or `share.chunkCount`")),
                },
                "MOVED" => match (text(item, "to"), number(item, "ttl")) {
                    (Some(to), Some(_)) => audit.moved.push((id.to_owned(), to.to_owned())),
                    _ => audit.findings.push(format!("MOVED marker of {id} without `to` and `ttl`")),
                },
                _ => match sk.strip_prefix("CHUNK#").and_then(|rest| rest.rsplit_once('#')) {
                    Some((generation, index)) if index.parse::<u32>().is_ok() => chunks.push(ChunkSeen {
                        id: id.to_owned(),
                        generation: generation.to_owned(),
                        index: index.parse().expect("checked"),
                        sk: sk.to_owned(),
                        pending: item.contains_key("pending"),
                        ttl: number(item, "ttl"),
                    }),
                    _ => audit.findings.push(format!("unknown item under share {id}: {sk}")),
                },
            }
        }
        audit.check_chunks(&chunks, now);
        audit.check_index(&indexed);
        audit
    }

    /// Index items are written and deleted in the record's own transactions: each belongs to a record
    /// that names its bucket, and each bucket a record names has its item.
    fn check_index(&mut self, indexed: &[(String, u8)]) {
        let seen: BTreeSet<(&str, u8)> = indexed.iter().map(|(id, bucket)| (id.as_str(), *bucket)).collect();
        for (id, bucket) in &seen {
            let named = self.records.get(*id).is_some_and(|record| record.source_buckets & (1 << bucket) != 0);
            if !named {
                self.findings.push(format!("source index item of share {id}, bucket {bucket}, that no record names"));
            }
        }
        for (id, record) in &self.records {
            for bucket in (0..16u8).filter(|bucket| record.source_buckets & (1 << bucket) != 0) {
                if !seen.contains(&(id.as_str(), bucket)) {
                    self.findings.push(format!("record {id} names source bucket {bucket}, which has no item"));
                }
            }
        }
    }

    fn check_chunks(&mut self, chunks: &[ChunkSeen], now: i64) {
        let current: BTreeMap<(&str, &str, u32), &ChunkSeen> =
            chunks.iter().map(|chunk| ((chunk.id.as_str(), chunk.generation.as_str(), chunk.index), chunk)).collect();
        for (id, record) in &self.records {
            for index in 1..record.chunk_count {
                match current.get(&(id.as_str(), record.generation.as_str(), index)) {
                    None => self.findings.push(format!("record {id} lacks chunk {index} of its generation")),
                    Some(chunk) if chunk.pending => {
                        self.findings.push(format!("chunk {index} of {id}'s current generation is still pending"))
                    }
                    Some(_) => {}
                }
            }
        }
        for chunk in chunks {
            let of_record = self.records.get(&chunk.id).is_some_and(|record| {
                record.generation == chunk.generation && chunk.index >= 1 && chunk.index < record.chunk_count
            });
            if of_record {
                continue;
            }
            match chunk.ttl {
                Some(ttl) if chunk.pending && ttl <= now + LEFTOVER_TTL_WITHIN_SECS => {
                    self.leftovers.push(format!("{} {}", chunk.id, chunk.sk));
                }
                ttl => self.findings.push(format!(
                    "chunk {} {} belongs to no record's current generation and is not a marked leftover \
                     (pending: {}, ttl: {ttl:?})",
                    chunk.id, chunk.sk, chunk.pending
                )),
            }
        }
    }
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(value)) => value.parse().ok(),
        _ => None,
    }
}

fn record_seen(item: &Item) -> Option<RecordSeen> {
    let generation = text(item, "generation")?.to_owned();
    let Some(AttributeValue::M(share)) = item.get("share") else { return None };
    let chunk_count = number(share, "chunkCount")?.try_into().ok()?;
    let source_buckets = number(share, "sourceBuckets").map_or(Some(0), |mask| mask.try_into().ok())?;
    Some(RecordSeen { generation, chunk_count, source_buckets })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn item(pk: &str, sk: &str, extra: &[(&str, AttributeValue)]) -> Item {
        let mut item =
            Item::from([("pk".into(), AttributeValue::S(pk.into())), ("sk".into(), AttributeValue::S(sk.into()))]);
        item.extend(extra.iter().map(|(name, value)| (name.to_string(), value.clone())));
        item
    }

    fn record(id: &str, generation: &str, chunk_count: u32) -> Item {
        record_indexed(id, generation, chunk_count, 0)
    }

    fn record_indexed(id: &str, generation: &str, chunk_count: u32, source_buckets: u16) -> Item {
        let share = HashMap::from([
            ("chunkCount".to_owned(), AttributeValue::N(chunk_count.to_string())),
            ("sourceBuckets".to_owned(), AttributeValue::N(source_buckets.to_string())),
        ]);
        let extra = [("generation", AttributeValue::S(generation.into())), ("share", AttributeValue::M(share))];
        item(&format!("SHARE#{id}"), "RECORD", &extra)
    }

    fn chunk(id: &str, generation: &str, index: u32, marks: &[(&str, i64)]) -> Item {
        let extra: Vec<_> = marks.iter().map(|(name, value)| (*name, AttributeValue::N(value.to_string()))).collect();
        item(&format!("SHARE#{id}"), &format!("CHUNK#{generation}#{index:04}"), &extra)
    }

    #[test]
    fn whole_shares_and_marked_leftovers_pass() {
        let audit = TableAudit::of_items(
            vec![
                record("a", "g1", 3),
                chunk("a", "g1", 1, &[]),
                chunk("a", "g1", 2, &[]),
                chunk("a", "g0", 1, &[("pending", NOW - 5), ("ttl", NOW + 3600)]),
                item(
                    "SHARE#old",
                    "MOVED",
                    &[("to", AttributeValue::S("a".into())), ("ttl", AttributeValue::N("1".into()))],
                ),
                item("IDEMPOTENCY#k", "IDEMPOTENCY", &[]),
                item("GROUP#g", "POLICY", &[]),
            ],
            NOW,
        );
        assert_eq!(audit.findings, Vec::<String>::new());
        assert_eq!(audit.leftovers, ["a CHUNK#g0#0001"]);
        assert_eq!(audit.moved, [("old".to_owned(), "a".to_owned())]);
        assert_eq!(audit.items_under("a").len(), 4);
    }

    #[test]
    fn index_items_must_match_the_buckets_records_name() {
        let index = |id: &str, bucket: &str| item(&format!("SOURCES#0123#{bucket}"), id, &[]);
        let whole =
            TableAudit::of_items(vec![record_indexed("a", "g1", 1, 0b1001), index("a", "0"), index("a", "3")], NOW);
        assert_eq!(whole.findings, Vec::<String>::new());
        let broken = TableAudit::of_items(
            vec![record_indexed("a", "g1", 1, 0b1001), index("a", "0"), index("a", "f"), index("gone", "1")],
            NOW,
        );
        assert_eq!(broken.findings.len(), 3, "{:#?}", broken.findings);
    }

    #[test]
    fn broken_shares_and_unmarked_chunks_are_findings() {
        let audit = TableAudit::of_items(
            vec![
                record("a", "g1", 3),
                chunk("a", "g1", 1, &[("pending", NOW), ("ttl", NOW + 3600)]),
                chunk("a", "g0", 1, &[]),
                chunk("b", "g2", 1, &[("pending", NOW), ("ttl", NOW + 30 * 24 * 3600)]),
                item("SHARE#c", "WHATEVER", &[]),
            ],
            NOW,
        );
        assert_eq!(audit.findings.len(), 5, "{:#?}", audit.findings);
        assert!(audit.leftovers.is_empty());
    }
}
