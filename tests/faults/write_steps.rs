//! Every write step of publish, PUT, rotate, DELETE and a live update under each fault: the store paused (the
//! write applies, if at all, after the service gave up) and the write's response lost (it applied;
//! the service was not told). The operation's clean run through the proxy names its write steps;
//! then each (step, fault) runs on a table of its own, all at once.

use super::audit::TableAudit;
use super::{PATIENT, Rig, multi_chunk_body};
use crate::support::TestResponse;
use crate::support::fault_proxy::{Fault, WRITE_TARGETS};
use hyper::{Method, StatusCode};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Publish,
    Replace,
    Rotate,
    Revoke,
    /// `POST /me/changes` removing one event of the share.
    Change,
}

/// What the service answered, read as the contract says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Told {
    /// 2xx: the change is whole in the table.
    Done,
    /// 503: nothing changed.
    NothingChanged,
    /// 504: the outcome could not be found out in time; either state, whole.
    Unknown,
}

/// The n-th request of a write operation, as a fault is armed.
#[derive(Debug, Clone)]
struct WriteStep {
    target: String,
    nth: usize,
}

struct Case {
    operation: Operation,
    step: WriteStep,
    fault: Fault,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fault = match self.fault {
            Fault::Pause => "pause",
            Fault::LoseResponse => "lost response",
        };
        write!(f, "{:?}, {} at {} #{}", self.operation, fault, self.step.target, self.step.nth)
    }
}

const IDEMPOTENCY_KEY: &str = "fault-test-publish";
const CHANGE_KEY: &str = "fault-test-change";

fn change_body() -> serde_json::Value {
    serde_json::json!({"format": "normalized", "removed": ["ev-0"]})
}
const OLD_EVENTS: usize = 300;
const NEW_EVENTS: usize = 320;

impl Operation {
    /// The share the operation starts from (`None` for a publish), published patiently.
    async fn prepare(self, rig: &Rig) -> Option<String> {
        match self {
            Self::Publish => None,
            _ => Some(rig.published("old", OLD_EVENTS).await),
        }
    }

    async fn perform(self, rig: &Rig, id: Option<&str>) -> TestResponse {
        let (app, owner) = (&rig.hasty, &rig.owner);
        let path = format!("/shares/{}", id.unwrap_or_default());
        let new = multi_chunk_body("new", NEW_EVENTS);
        match self {
            Self::Publish => {
                app.send(Method::POST, "/shares", owner, Some(&new), &[("Idempotency-Key", IDEMPOTENCY_KEY)]).await
            }
            Self::Replace => app.put(&path, owner, &new).await,
            Self::Rotate => app.send(Method::POST, &format!("{path}/rotate"), owner, None, &[]).await,
            Self::Revoke => app.delete(&path, owner).await,
            Self::Change => {
                app.send(Method::POST, "/me/changes", owner, Some(&change_body()), &[("Idempotency-Key", CHANGE_KEY)])
                    .await
            }
        }
    }

    /// The write steps of a clean run: each write request, with its place among its operation's.
    async fn write_steps(self) -> Vec<WriteStep> {
        let rig = Rig::with_patience(PATIENT).await;
        let id = self.prepare(&rig).await;
        let response = self.perform(&rig, id.as_deref()).await;
        assert!(response.status.is_success(), "{self:?} runs clean: {} {}", response.status, response.text());
        let mut counts = std::collections::HashMap::<String, usize>::new();
        let mut steps = Vec::new();
        for target in rig.proxy.seen() {
            let nth = counts.entry(target.clone()).or_default();
            *nth += 1;
            if WRITE_TARGETS.contains(&target.as_str()) {
                steps.push(WriteStep { target, nth: *nth });
            }
        }
        steps
    }
}

fn told(case: &Case, response: &TestResponse) -> Told {
    match response.status {
        status if status.is_success() => Told::Done,
        StatusCode::SERVICE_UNAVAILABLE => {
            assert!(response.header("retry-after").is_some(), "{case}: 503 without Retry-After");
            Told::NothingChanged
        }
        StatusCode::GATEWAY_TIMEOUT => {
            assert_eq!(response.header("content-type"), Some("application/problem+json"), "{case}: 504 body");
            Told::Unknown
        }
        other => panic!("{case}: {other} is not an answer to a fault (2xx, 503 or 504): {}", response.text()),
    }
}

/// Runs one case and checks its outcome; returns what the service said.
async fn run_case(case: Case, rig: Rig, old: Option<String>) -> Told {
    rig.proxy.arm(&case.step.target, case.step.nth, case.fault);
    let response = case.operation.perform(&rig, old.as_deref()).await;
    let seen = rig.proxy.seen();
    assert!(rig.proxy.fired(), "{case}: the fault fired ({} {}), saw {seen:?}", response.status, response.text());
    let told = told(&case, &response);
    let audit = rig.settled_audit().await;
    assert_eq!(audit.findings, Vec::<String>::new(), "{case}, told {told:?}: the table holds whole shares only");
    let outcome = Outcome { case: &case, rig: &rig, told, response: &response, audit: &audit };
    match (case.operation, old.as_deref()) {
        (Operation::Publish, _) => outcome.of_publish().await,
        (Operation::Replace, Some(id)) => outcome.of_replace(id).await,
        (Operation::Rotate, Some(id)) => outcome.of_rotate(id).await,
        (Operation::Revoke, Some(id)) => outcome.of_revoke(id).await,
        (Operation::Change, Some(id)) => outcome.of_change(id).await,
        (operation, None) => unreachable!("{operation:?} starts from a share"),
    }
    told
}

/// A case's answer beside what the table holds once the fault is over.
struct Outcome<'a> {
    case: &'a Case,
    rig: &'a Rig,
    told: Told,
    response: &'a TestResponse,
    audit: &'a TableAudit,
}

impl Outcome<'_> {
    fn ids(&self) -> Vec<&str> {
        self.audit.records.keys().map(String::as_str).collect()
    }

    fn answered_id(&self) -> String {
        self.response.json()["id"].as_str().expect("id").to_owned()
    }

    /// At most one share, the new one; a retry with the same key answers with it, or publishes once.
    async fn of_publish(&self) {
        let (case, rig, told) = (self.case, self.rig, self.told);
        let landed: Vec<String> = match told {
            Told::Done => vec![self.answered_id()],
            Told::NothingChanged => vec![],
            Told::Unknown => self.ids().into_iter().map(str::to_owned).collect(),
        };
        assert_eq!(self.ids(), landed, "{case}, told {told:?}: the shares in the table");
        assert!(landed.len() <= 1, "{case}: one publish, one share at most");
        for id in &landed {
            assert_eq!(rig.served_as_owner_sees(id).await, Some(("new".into(), NEW_EVENTS)), "{case}");
        }
        let body = multi_chunk_body("new", NEW_EVENTS);
        let key = [("Idempotency-Key", IDEMPOTENCY_KEY)];
        let retry = rig.patient.send(Method::POST, "/shares", &rig.owner, Some(&body), &key).await;
        assert_eq!(retry.status, StatusCode::CREATED, "{case}: the retry with the same key: {}", retry.text());
        let id = retry.json()["id"].as_str().expect("id").to_owned();
        if let Some(first) = landed.first() {
            assert_eq!(&id, first, "{case}, told {told:?}: the retry answers with the share that landed");
        }
        let audit = TableAudit::of(&rig.store).await;
        assert_eq!(audit.records.keys().collect::<Vec<_>>(), [&id], "{case}: never two shares");
        rig.sweep_and_revoke(&id, &[]).await;
    }

    /// The one share, serving the old snapshot or the new one, as told.
    async fn of_replace(&self, id: &str) {
        let (case, told) = (self.case, self.told);
        let served = self.rig.served_as_owner_sees(id).await;
        let (old, new) = (Some(("old".to_owned(), OLD_EVENTS)), Some(("new".to_owned(), NEW_EVENTS)));
        match told {
            Told::Done => assert_eq!(served, new, "{case}: 2xx, the new snapshot"),
            Told::NothingChanged => assert_eq!(served, old, "{case}: 503, the old snapshot"),
            Told::Unknown => assert!(served == old || served == new, "{case}: 504, old or new: {served:?}"),
        }
        assert_eq!(self.ids(), [id], "{case}: the share is still the one share");
        self.rig.sweep_and_revoke(id, &[]).await;
    }

    /// The one share under one id, the new one or the old one as told; the other id dead.
    async fn of_rotate(&self, old_id: &str) {
        let (case, rig, told) = (self.case, self.rig, self.told);
        let ids = self.ids();
        assert_eq!(ids.len(), 1, "{case}, told {told:?}: one share, under one id: {ids:?}");
        let live = ids[0];
        match told {
            Told::Done => assert_eq!(live, self.answered_id(), "{case}: 2xx, moved to the id answered"),
            Told::NothingChanged => assert_eq!(live, old_id, "{case}: 503, still under the old id"),
            Told::Unknown => {}
        }
        let old_snapshot = Some(("old".to_owned(), OLD_EVENTS));
        assert_eq!(rig.served_as_owner_sees(live).await, old_snapshot, "{case}: the live id serves the share");
        if live != old_id {
            assert_eq!(rig.served_as_owner_sees(old_id).await, None, "{case}: the old id is dead");
        }
        rig.sweep_and_revoke(live, &[old_id]).await;
    }

    /// Gone without a trace, or whole, as told.
    async fn of_revoke(&self, id: &str) {
        let (case, told) = (self.case, self.told);
        let served = self.rig.served_as_owner_sees(id).await;
        let whole = Some(("old".to_owned(), OLD_EVENTS));
        match told {
            Told::Done => {
                assert_eq!(self.audit.items_under(id), Vec::<String>::new(), "{case}: 204 leaves nothing");
                assert_eq!(served, None, "{case}: 204, dead");
            }
            Told::NothingChanged => assert_eq!(served, whole, "{case}: 503, still whole"),
            Told::Unknown => assert!(served.is_none() || served == whole, "{case}: 504, gone or whole: {served:?}"),
        }
        if served.is_some() {
            self.rig.sweep_and_revoke(id, &[]).await;
        }
    }
}

impl Outcome<'_> {
    /// The one share, with the event or without it, as told; a retry with the same key leaves it
    /// without, and the index matches (the audit).
    async fn of_change(&self, id: &str) {
        let (case, rig, told) = (self.case, self.rig, self.told);
        let (before, after) = (Some(("old".to_owned(), OLD_EVENTS)), Some(("old".to_owned(), OLD_EVENTS - 1)));
        let served = rig.served_as_owner_sees(id).await;
        match told {
            Told::Done => assert_eq!(served, after, "{case}: 2xx, the event is gone"),
            Told::NothingChanged => assert_eq!(served, before, "{case}: 503, the share as it was"),
            Told::Unknown => assert!(served == before || served == after, "{case}: 504, either: {served:?}"),
        }
        let key = [("Idempotency-Key", CHANGE_KEY)];
        let retry = rig.patient.send(Method::POST, "/me/changes", &rig.owner, Some(&change_body()), &key).await;
        assert_eq!(retry.status, StatusCode::OK, "{case}: the retry with the same key: {}", retry.text());
        assert_eq!(rig.served_as_owner_sees(id).await, after, "{case}: the retry completes the change");
        let audit = TableAudit::of(&rig.store).await;
        assert_eq!(audit.findings, Vec::<String>::new(), "{case}: after the retry");
        assert_eq!(self.ids(), [id], "{case}: the share is still the one share");
        rig.sweep_and_revoke(id, &[]).await;
    }
}

/// Runs every (write step, fault) of an operation, each on a table of its own, at once, and reports
/// every case that failed. Each case runs on a thread and runtime of its own (service, proxy and
/// all), so one case's handler busy parsing a large body never holds up another's timers. The tables
/// are made and filled one after another, then the faults start together: DynamoDB Local stalls
/// every request while it creates a table.
async fn every_write_step_under_faults(operation: Operation) {
    let steps = operation.write_steps().await;
    assert!(!steps.is_empty(), "{operation:?} writes");
    let faults = [Fault::Pause, Fault::LoseResponse];
    let cases: Vec<Case> =
        steps.iter().flat_map(|step| faults.map(|fault| Case { operation, step: step.clone(), fault })).collect();
    let total = cases.len();
    let set_up_in_turn = Arc::new(tokio::sync::Mutex::new(()));
    let all_set_up = Arc::new(tokio::sync::Barrier::new(total));
    let runs: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let (set_up_in_turn, all_set_up) = (set_up_in_turn.clone(), all_set_up.clone());
            let name = case.to_string();
            let run = tokio::task::spawn_blocking(move || {
                on_own_runtime(async move {
                    let (rig, old) = {
                        let _turn = set_up_in_turn.lock().await;
                        let rig = Rig::new().await;
                        let old = operation.prepare(&rig).await;
                        (rig, old)
                    };
                    let waited = tokio::time::timeout(Duration::from_secs(120), all_set_up.wait()).await;
                    waited.expect("every case sets up (see the other failures)");
                    run_case(case, rig, old).await
                })
            });
            (name, run)
        })
        .collect();
    let (mut answers, mut failures) = (Vec::new(), Vec::new());
    for (name, run) in runs {
        match run.await {
            Ok(told) => answers.push(format!("{name}: {told:?}")),
            Err(error) => {
                let message = error.try_into_panic().ok().and_then(|panic| {
                    let text = panic.downcast_ref::<&str>().map(|text| text.to_string());
                    panic.downcast_ref::<String>().cloned().or(text)
                });
                failures.push(format!("{name}: {}", message.unwrap_or_else(|| "cancelled".into())));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {total} cases failed ({steps:?}):\n{}", failures.len(), failures.join("\n"));
    eprintln!("{operation:?} under faults, what the service said:\n  {}", answers.join("\n  "));
    // A fault outlasts the service's patience: some outcome must have been unknown, or these cases
    // never reached the answer they exist to check.
    assert!(
        answers.iter().any(|answer| answer.ends_with("Unknown")),
        "no case of {operation:?} answered 504: {answers:#?}"
    );
}

fn on_own_runtime<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(future)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_under_faults() {
    every_write_step_under_faults(Operation::Publish).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_under_faults() {
    every_write_step_under_faults(Operation::Replace).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_under_faults() {
    every_write_step_under_faults(Operation::Rotate).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_under_faults() {
    every_write_step_under_faults(Operation::Revoke).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_under_faults() {
    every_write_step_under_faults(Operation::Change).await;
}
