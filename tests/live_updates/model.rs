//! Random sequences of publish, PUT, rotate, revoke (owner and admin) and live updates for two owners,
//! against a model of which share holds which source ids: after every step the stored source index
//! is exactly what the snapshots hold, and every change rewrites exactly the caller's shares the
//! model says hold its event.

use super::{assert_index_exact, graph, graph_share, id_of, pushed, updated_ids};
use crate::per_store;
use crate::support::{Principal, TestApp};
use hyper::{Method, StatusCode};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const STEPS: usize = 40;
/// The source ids events are drawn from: few, so that shares share them.
const POOL: usize = 8;

/// splitmix64: a reproducible stream, so a failure names its seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn ids(&mut self) -> BTreeSet<String> {
        (0..POOL).filter(|_| self.below(3) == 0).map(|i| format!("src-{i}")).collect()
    }
}

/// Each owner's shares by id, with the source ids each holds.
type Model = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn body(ids: &BTreeSet<String>, title: &str) -> serde_json::Value {
    graph_share(
        title,
        "limited",
        ids.iter().enumerate().map(|(i, id)| graph(id, &format!("{id} v0"), 1 + i as u32)).collect(),
    )
}

async fn index_matches_the_model_through_random_steps(app: TestApp) {
    for seed in [7_u64, 1_234_567] {
        let mut dice = Dice(seed);
        let owners = [("kim", app.member("kim", "contoso")), ("lee", app.member("lee", "contoso"))];
        let admin = app.role_admin("ada", "contoso");
        let mut model: Model = owners.iter().map(|(name, _)| ((*name).to_owned(), BTreeMap::new())).collect();
        for step in 0..STEPS {
            let (name, who): &(&str, Principal) = &owners[dice.below(2)];
            let shares = model.get_mut(*name).unwrap();
            let picked = (!shares.is_empty()).then(|| shares.keys().nth(dice.below(shares.len())).unwrap().clone());
            let context = format!("seed {seed}, step {step}");
            match (dice.below(6), picked) {
                (0, _) | (_, None) => {
                    let ids = dice.ids();
                    shares.insert(id_of(&app.publish(who, &body(&ids, "published")).await), ids);
                }
                (1, Some(id)) => {
                    let ids = dice.ids();
                    let put = app.put(&format!("/shares/{id}"), who, &body(&ids, "replaced")).await;
                    assert_eq!(put.status, StatusCode::OK, "{context}: {}", put.text());
                    shares.insert(id, ids);
                }
                (2, Some(id)) => {
                    let rotated = app.send(Method::POST, &format!("/shares/{id}/rotate"), who, None, &[]).await;
                    assert_eq!(rotated.status, StatusCode::OK, "{context}: {}", rotated.text());
                    let ids = shares.remove(&id).unwrap();
                    shares.insert(id_of(&rotated.json()), ids);
                }
                (3, Some(id)) => {
                    let revoker = if dice.below(2) == 0 { who } else { &admin };
                    assert_eq!(app.delete(&format!("/shares/{id}"), revoker).await.status, StatusCode::NO_CONTENT);
                    shares.remove(&id);
                }
                (_, Some(_)) => {
                    let source = format!("src-{}", dice.below(POOL));
                    let holders: BTreeSet<String> =
                        shares.iter().filter(|(_, ids)| ids.contains(&source)).map(|(id, _)| id.clone()).collect();
                    let leaves = dice.below(2) == 0;
                    let change = if leaves {
                        json!({"format": "msgraph", "removed": [source]})
                    } else {
                        json!({"format": "msgraph", "changed": [graph(&source, &format!("{source} step {step}"), 28)]})
                    };
                    let answer = pushed(&app, who, change).await;
                    assert_eq!(updated_ids(&answer), holders, "{context}: the caller's shares holding {source}");
                    if leaves {
                        for ids in shares.values_mut() {
                            ids.remove(&source);
                        }
                    }
                }
            }
            let live: Vec<&str> = model.values().flat_map(|shares| shares.keys().map(String::as_str)).collect();
            assert_index_exact(&app, &live).await;
        }
        for (name, who) in &owners {
            for id in model[*name].keys() {
                assert_eq!(app.delete(&format!("/shares/{id}"), who).await.status, StatusCode::NO_CONTENT);
            }
        }
        assert_index_exact(&app, &[]).await;
    }
}

per_store!(app: index_matches_the_model_through_random_steps);
