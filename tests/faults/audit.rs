//! The audit after a fault: every item of the table is part of a whole share (its record, the pieces
//! it lists and its source index items), a leftover piece no record lists (which the share's next
//! sweep, its revoke or its TTL removes), a moved-share marker, or an idempotency or settings item.
//! Anything else (a record missing a piece, a piece without its bytes or write time, an index item
//! of no record's bucket, a bucket a record names without its item) is a finding.

use aws_sdk_dynamodb::types::AttributeValue;
use share_core::store::DynamoStore;
use std::collections::{BTreeMap, BTreeSet, HashMap};

type Item = HashMap<String, AttributeValue>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSeen {
    pub generation: String,
    /// The sort keys of the pieces the record lists, in order.
    pub pieces: Vec<String>,
    /// The buckets of the owner's source index the record names (`sourceBuckets`).
    pub source_buckets: u16,
}

#[derive(Debug, Default)]
pub struct TableAudit {
    /// Share records by id.
    pub records: BTreeMap<String, RecordSeen>,
    /// Pieces no record lists, as `id piece-key`.
    pub leftovers: Vec<String>,
    /// `MOVED` markers: (old id, new id).
    pub moved: Vec<(String, String)>,
    /// The sort keys under each share's partition.
    pub under: BTreeMap<String, BTreeSet<String>>,
    /// What breaks the rules, one line each.
    pub findings: Vec<String>,
}

struct PieceSeen {
    id: String,
    sk: String,
    whole: bool,
    pending: bool,
}

impl TableAudit {
    /// Scans the store's table (strongly consistent) and audits every item.
    pub async fn of(store: &DynamoStore) -> Self {
        Self::of_items(crate::support::dynamo_local::scan_all(store).await)
    }

    /// The sort keys stored under a share's partition (none once it is revoked).
    pub fn items_under(&self, id: &str) -> Vec<String> {
        self.under.get(id).map(|keys| keys.iter().cloned().collect()).unwrap_or_default()
    }

    /// Leftovers under a share's partition.
    pub fn leftovers_of(&self, id: &str) -> Vec<&String> {
        self.leftovers.iter().filter(|leftover| leftover.split(' ').next() == Some(id)).collect()
    }

    pub fn of_items(items: Vec<Item>) -> Self {
        let mut audit = Self::default();
        let mut pieces = Vec::new();
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
                    None => audit.findings.push(format!("record {id} without `generation` or `share.pieces`")),
                },
                "MOVED" => match (text(item, "to"), number(item, "ttl")) {
                    (Some(to), Some(_)) => audit.moved.push((id.to_owned(), to.to_owned())),
                    _ => audit.findings.push(format!("MOVED marker of {id} without `to` and `ttl`")),
                },
                _ => match sk.strip_prefix("CHUNK#").and_then(|rest| rest.rsplit_once('#')) {
                    Some((_, index)) if index.parse::<u32>().is_ok() => pieces.push(PieceSeen {
                        id: id.to_owned(),
                        sk: sk.to_owned(),
                        whole: matches!(item.get("chunk"), Some(AttributeValue::B(_)))
                            && number(item, "written").is_some(),
                        pending: item.contains_key("pending"),
                    }),
                    _ => audit.findings.push(format!("unknown item under share {id}: {sk}")),
                },
            }
        }
        audit.check_pieces(&pieces);
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

    fn check_pieces(&mut self, pieces: &[PieceSeen]) {
        let stored: BTreeSet<(&str, &str)> =
            pieces.iter().map(|piece| (piece.id.as_str(), piece.sk.as_str())).collect();
        for (id, record) in &self.records {
            for sk in &record.pieces {
                if !stored.contains(&(id.as_str(), sk.as_str())) {
                    self.findings.push(format!("record {id} lacks its piece {sk}"));
                }
            }
        }
        for piece in pieces {
            if !piece.whole {
                self.findings.push(format!("piece {} {} without its bytes or write time", piece.id, piece.sk));
            }
            let listed = self.records.get(&piece.id).is_some_and(|record| record.pieces.contains(&piece.sk));
            match (listed, piece.pending) {
                (true, true) => {
                    self.findings.push(format!("piece {} {} is listed, yet still pending", piece.id, piece.sk))
                }
                (false, _) => self.leftovers.push(format!("{} {}", piece.id, piece.sk)),
                (true, false) => {}
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

/// A record as stored: `share.pieces` lists `generation.index.digest`, stored as `CHUNK#generation#index`.
fn record_seen(item: &Item) -> Option<RecordSeen> {
    let generation = text(item, "generation")?.to_owned();
    let Some(AttributeValue::M(share)) = item.get("share") else { return None };
    let Some(AttributeValue::L(listed)) = share.get("pieces") else { return None };
    let pieces = listed
        .iter()
        .map(|piece| match piece {
            AttributeValue::S(piece) => {
                let mut parts = piece.split('.');
                let (generation, index) = (parts.next()?, parts.next()?.parse::<u32>().ok()?);
                Some(format!("CHUNK#{generation}#{index:04}"))
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    if pieces.is_empty() {
        return None;
    }
    let source_buckets = number(share, "sourceBuckets").map_or(Some(0), |mask| mask.try_into().ok())?;
    Some(RecordSeen { generation, pieces, source_buckets })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(pk: &str, sk: &str, extra: &[(&str, AttributeValue)]) -> Item {
        let mut item =
            Item::from([("pk".into(), AttributeValue::S(pk.into())), ("sk".into(), AttributeValue::S(sk.into()))]);
        item.extend(extra.iter().map(|(name, value)| (name.to_string(), value.clone())));
        item
    }

    fn record(id: &str, generation: &str, pieces: &[&str]) -> Item {
        record_indexed(id, generation, pieces, 0)
    }

    fn record_indexed(id: &str, generation: &str, pieces: &[&str], source_buckets: u16) -> Item {
        let pieces = pieces.iter().map(|piece| AttributeValue::S(format!("{piece}.ff"))).collect();
        let share = HashMap::from([
            ("pieces".to_owned(), AttributeValue::L(pieces)),
            ("sourceBuckets".to_owned(), AttributeValue::N(source_buckets.to_string())),
        ]);
        let extra = [("generation", AttributeValue::S(generation.into())), ("share", AttributeValue::M(share))];
        item(&format!("SHARE#{id}"), "RECORD", &extra)
    }

    fn piece(id: &str, generation: &str, index: u32) -> Item {
        let extra =
            [("chunk", AttributeValue::B(vec![1u8].into())), ("written", AttributeValue::N("1800000000".into()))];
        item(&format!("SHARE#{id}"), &format!("CHUNK#{generation}#{index:04}"), &extra)
    }

    #[test]
    fn whole_shares_and_leftovers_pass() {
        let audit = TableAudit::of_items(vec![
            record("a", "g2", &["g1.0", "g2.1"]),
            piece("a", "g1", 0),
            piece("a", "g2", 1),
            piece("a", "g0", 1),
            item(
                "SHARE#old",
                "MOVED",
                &[("to", AttributeValue::S("a".into())), ("ttl", AttributeValue::N("1".into()))],
            ),
            item("IDEMPOTENCY#k", "IDEMPOTENCY", &[]),
            item("GROUP#g", "POLICY", &[]),
        ]);
        assert_eq!(audit.findings, Vec::<String>::new());
        assert_eq!(audit.leftovers, ["a CHUNK#g0#0001"]);
        assert_eq!(audit.moved, [("old".to_owned(), "a".to_owned())]);
        assert_eq!(audit.items_under("a").len(), 4);
    }

    #[test]
    fn index_items_must_match_the_buckets_records_name() {
        let index = |id: &str, bucket: &str| item(&format!("SOURCES#0123#{bucket}"), id, &[]);
        let whole = TableAudit::of_items(vec![
            record_indexed("a", "g1", &["g1.0"], 0b1001),
            piece("a", "g1", 0),
            index("a", "0"),
            index("a", "3"),
        ]);
        assert_eq!(whole.findings, Vec::<String>::new());
        let broken = TableAudit::of_items(vec![
            record_indexed("a", "g1", &["g1.0"], 0b1001),
            piece("a", "g1", 0),
            index("a", "0"),
            index("a", "f"),
            index("gone", "1"),
        ]);
        assert_eq!(broken.findings.len(), 3, "{:#?}", broken.findings);
    }

    #[test]
    fn broken_shares_and_pieces_are_findings() {
        let audit = TableAudit::of_items(vec![
            record("a", "g1", &["g1.0", "g1.1", "g1.2"]),
            piece("a", "g1", 0),
            item("SHARE#a", "CHUNK#g1#0001", &[]),
            item(
                "SHARE#a",
                "CHUNK#g1#0002",
                &[
                    ("chunk", AttributeValue::B(vec![1u8].into())),
                    ("written", AttributeValue::N("1".into())),
                    ("pending", AttributeValue::N("1".into())),
                ],
            ),
            record("b", "g2", &[]),
            item("SHARE#c", "WHATEVER", &[]),
        ]);
        assert_eq!(audit.findings.len(), 4, "{:#?}", audit.findings);
    }
}
