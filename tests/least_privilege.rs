//! Each function's IAM policy in `template.yaml` grants exactly the DynamoDB actions its code
//! needs, on exactly the resources it touches: every route of the function is driven through its
//! own handler (and its init warm-up) over a DynamoDB Local store whose SDK client records each call,
//! and the union is compared with the template. DynamoDB only: IAM is about that store's calls.
//!
//! Why the exercise is complete: a handler reaches the store only through the port traits its
//! signature bounds it by, and each test calls every route of its function so that each port method
//! those routes can call runs at least once, on each of its paths that sends a different operation
//! (listed per test). A method that another change adds to a route shows up here as a new action.

use crate::support::caller_events::{authenticated, body_json, body_text, large_share_body, on, recipient};
use crate::support::dynamo_local::{fresh_store, scan_all};
use crate::support::operation_recorder::{Grant, OperationRecorder};
use crate::support::share_body;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{Body, Request, Response};
use serde_json::json;
use serde_norway::Value;
use share_core::ServiceConfig;
use share_core::domain::ShareId;
use share_core::store::{DynamoStore, ShareReads};
use std::collections::BTreeSet;
use view_share::ViewCache;

fn template() -> Value {
    let path = format!("{}/template.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Sequence(values) => values.iter().collect(),
        value => vec![value],
    }
}

/// `table` for `!GetAtt SharesTable.Arn`, `index/NAME` for `!Sub ${SharesTable.Arn}/index/NAME`.
fn resource_name(resource: &Value) -> String {
    match resource {
        Value::Tagged(tagged) if tagged.tag == "GetAtt" && tagged.value.as_str() == Some("SharesTable.Arn") => {
            "table".to_owned()
        }
        Value::Tagged(tagged) if tagged.tag == "Sub" => match tagged.value.as_str() {
            Some(sub) if sub.starts_with("${SharesTable.Arn}/") => sub["${SharesTable.Arn}/".len()..].to_owned(),
            _ => panic!("a policy names a resource other than the shares table: {resource:?}"),
        },
        _ => panic!("a policy names a resource other than the shares table: {resource:?}"),
    }
}

/// The template's function whose binary is `binary`.
fn function_of<'a>(template: &'a Value, binary: &str) -> &'a Value {
    template["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .find(|resource| resource["Metadata"]["BuildProperties"]["Binary"].as_str() == Some(binary))
        .unwrap_or_else(|| panic!("no function {binary} in the template"))
}

/// What the template lets the function with `binary` do on DynamoDB, as (action, resource) pairs.
fn template_grants(binary: &str) -> BTreeSet<Grant> {
    let template = template();
    let function = function_of(&template, binary);
    let mut grants = BTreeSet::new();
    for policy in function["Properties"]["Policies"].as_sequence().expect("inline policies") {
        // SAM's policy templates (DynamoDBCrudPolicy, …) grant more than any function here needs.
        let statements = policy["Statement"].as_sequence().unwrap_or_else(|| panic!("{binary}: not a policy document"));
        for statement in statements {
            assert_eq!(statement["Effect"].as_str(), Some("Allow"), "{binary}: {statement:?}");
            let actions = one_or_many(&statement["Action"]);
            for action in actions.iter().filter_map(|action| action.as_str()).filter(|a| a.starts_with("dynamodb:")) {
                for resource in one_or_many(&statement["Resource"]) {
                    grants.insert((action.to_owned(), resource_name(resource)));
                }
            }
        }
    }
    grants
}

/// The partition-key patterns (`dynamodb:LeadingKeys`) of every statement that lets `binary` write;
/// each writing statement must have them.
fn leading_keys(binary: &str) -> Vec<String> {
    let template = template();
    let function = function_of(&template, binary);
    let writes = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
    let mut patterns = Vec::new();
    for policy in function["Properties"]["Policies"].as_sequence().unwrap() {
        for statement in policy["Statement"].as_sequence().unwrap() {
            if !one_or_many(&statement["Action"]).iter().any(|action| writes.contains(&action.as_str().unwrap())) {
                continue;
            }
            let leading = &statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
            assert!(!leading.is_null(), "{binary}: a writing statement without dynamodb:LeadingKeys: {statement:?}");
            patterns.extend(one_or_many(leading).iter().map(|key| key.as_str().unwrap().to_owned()));
        }
    }
    patterns
}

/// Every partition the exercise wrote is one the template lets the function write, and the template
/// lets it write nothing else.
fn assert_writes_within(binary: &str, written: &BTreeSet<String>) {
    let patterns = leading_keys(binary);
    let prefix = |pattern: &str| pattern.strip_suffix('*').unwrap_or(pattern).to_owned();
    for partition in written {
        assert!(patterns.iter().any(|p| partition.starts_with(&prefix(p))), "{binary} wrote {partition}: {patterns:?}");
    }
    for pattern in &patterns {
        assert!(written.iter().any(|pk| pk.starts_with(&prefix(pattern))), "{binary} never writes {pattern}");
    }
}

async fn publish(store: &DynamoStore, body: &serde_json::Value) -> String {
    let request = authenticated("POST /shares", "/shares").json_body(body).into_request();
    let created = publish_share::handle(store, &ServiceConfig::default(), request).await;
    assert_eq!(created.status(), 201, "{}", body_text(&created));
    body_json(&created)["id"].as_str().unwrap().to_owned()
}

/// Publishes as a member (not an admin) of the recorded caller's group; returns the share's id.
async fn publish_as_member(store: &DynamoStore, body: &serde_json::Value) -> String {
    let fixture = crate::support::caller_events::fixture("post_shares_jwt.json");
    let group = fixture["requestContext"]["authorizer"]["jwt"]["claims"]["tid"].as_str().unwrap().to_owned();
    let member = [("sub", "member"), ("tid", group.as_str()), ("scp", "Shares.ReadWrite")];
    let request = authenticated("POST /shares", "/shares").claims(member).json_body(body).into_request();
    let created = publish_share::handle(store, &ServiceConfig::default(), request).await;
    assert_eq!(created.status(), 201, "{}", body_text(&created));
    body_json(&created)["id"].as_str().unwrap().to_owned()
}

/// The distinct pieces the share's record lists.
async fn piece_count(store: &DynamoStore, id: &str) -> usize {
    let record = store.share(&ShareId::parse(id).unwrap()).await.unwrap().expect("stored");
    record.pieces.iter().collect::<BTreeSet<_>>().len()
}

/// Items stored under a share's key: its record and its snapshot's pieces.
async fn stored_items(store: &DynamoStore, id: &str) -> usize {
    let pk = AttributeValue::S(format!("SHARE#{id}"));
    scan_all(store).await.iter().filter(|item| item.get("pk") == Some(&pk)).count()
}

/// publish-share (`ShareReads + ShareWrites + PolicyReads`): `sharing_state` on every route;
/// `idempotency` and `share` through a keyed publish and its retry; `put_pieces` and `commit` through
/// publishes of many pieces, a PUT that replaces such a snapshot and a rotate (which also reads
/// `published`) and a PATCH that moves the expiry; `delete_pieces` through a PUT whose commit fails
/// after its pieces were written; `owner_shares` through `GET /shares`; `shares_holding` and
/// `remember` through a keyed `POST /me/changes`; `delete_share` through `DELETE` and an admin's
/// revoke of all a user's shares; `permissions` through an admin's `GET /shares/{id}` of another
/// member's share. `users` and `group_shares` are in the bounds but no publish route calls them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_share_is_granted_exactly_what_its_routes_call() {
    let base = fresh_store().await;
    let (store, recorder) = OperationRecorder::over(&base);
    let config = ServiceConfig::default();
    let call = |request: Request| publish_share::handle(&store, &config, request);
    store.warm_up().await;

    let keyed = authenticated("POST /shares", "/shares").header("idempotency-key", "least-privilege-1");
    let body = large_share_body("Rota", 900, 1);
    let created = call(keyed.clone().json_body(&body).into_request()).await;
    assert_eq!(created.status(), 201, "{}", body_text(&created));
    let id = body_json(&created)["id"].as_str().unwrap().to_owned();
    assert!(piece_count(&base, &id).await > 1, "the exercise needs a snapshot of several pieces");
    let retried = call(keyed.json_body(&body).into_request()).await;
    assert_eq!((retried.status().as_u16(), body_json(&retried)["id"].as_str()), (201, Some(id.as_str())));

    let share_path = format!("/shares/{id}");
    let listed = call(authenticated("GET /shares", "/shares").into_request()).await;
    assert_eq!(body_json(&listed)["shares"][0]["id"].as_str(), Some(id.as_str()), "{}", body_text(&listed));
    assert_eq!(call(on("GET /shares/{id}", &share_path, ("id", &id)).into_request()).await.status(), 200);
    assert_eq!(call(authenticated("GET /me/sharing", "/me/sharing").into_request()).await.status(), 200);
    let members = publish_as_member(&base, &share_body("Member's", 1)).await;
    let shown = call(on("GET /shares/{id}", &format!("/shares/{members}"), ("id", &members)).into_request()).await;
    assert_eq!(body_json(&shown)["owner"]["userId"], "member", "{}", body_text(&shown));

    let replace =
        |seed| on("PUT /shares/{id}", &share_path, ("id", &id)).json_body(&large_share_body("New", 900, seed));
    let replaced = call(replace(2).into_request()).await;
    assert_eq!(replaced.status(), 200, "{}", body_text(&replaced));
    let pieces = piece_count(&base, &id).await;
    assert!(pieces > 1);

    recorder.fail_conditional_puts(true);
    let lost = call(replace(3).into_request()).await;
    recorder.fail_conditional_puts(false);
    assert_eq!(lost.status(), 409, "{}", body_text(&lost));
    assert_eq!(stored_items(&base, &id).await, 1 + pieces, "the failed write's pieces are removed");

    let rotate = on("POST /shares/{id}/rotate", &format!("{share_path}/rotate"), ("id", &id));
    let rotated = call(rotate.into_request()).await;
    assert_eq!(rotated.status(), 200, "{}", body_text(&rotated));
    let new_id = body_json(&rotated)["id"].as_str().unwrap().to_owned();
    let changes = authenticated("POST /me/changes", "/me/changes").header("idempotency-key", "least-privilege-2");
    let changed = call(changes.json_body(&json!({"removed": ["large-0"]})).into_request()).await;
    let updated = body_json(&changed)["sharesUpdated"][0]["id"].as_str().map(str::to_owned);
    assert_eq!(updated.as_deref(), Some(new_id.as_str()), "{}", body_text(&changed));
    let expiry = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30)).to_string();
    let patch = on("PATCH /shares/{id}", &format!("/shares/{new_id}"), ("id", &new_id))
        .without_header("content-type")
        .header("content-type", "application/merge-patch+json")
        .json_body(&json!({"title": "Patched", "expiresAt": expiry}));
    let patched = call(patch.into_request()).await;
    assert_eq!(patched.status(), 200, "{}", body_text(&patched));
    let delete = on("DELETE /shares/{id}", &format!("/shares/{new_id}"), ("id", &new_id));
    assert_eq!(call(delete.into_request()).await.status(), 204);
    assert_eq!(stored_items(&base, &new_id).await, 0);
    let revoke_all = on("DELETE /admin/users/{userId}/shares", "/admin/users/member/shares", ("userId", "member"));
    let revoked = call(revoke_all.into_request()).await;
    assert_eq!(body_json(&revoked), json!({"revoked": 1, "more": false}), "{}", body_text(&revoked));

    assert!(recorder.operations().contains("TransactWriteItems"), "{:?}", recorder.operations());
    assert_eq!(template_grants("publish-share"), recorder.grants(), "calls: {:?}", recorder.operations());
    assert_writes_within("publish-share", &recorder.written_partitions());
}

fn status_of(response: &Response<Body>) -> u16 {
    response.status().as_u16()
}

/// view-share (`ShareReads + PolicyReads`): a share never served reads `published` and
/// `sharing_state`; one a warm instance holds reads `share`; one re-published since reads
/// `published` again. The init rehearsal runs on its own embedded store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_share_is_granted_exactly_what_its_routes_call() {
    let base = fresh_store().await;
    let id = publish(&base, &share_body("Rota", 3)).await;
    let (store, recorder) = OperationRecorder::over(&base);
    tokio::join!(store.warm_up(), view_share::rehearse());
    let cache = ViewCache::new();
    let page_path = format!("/s/{id}");
    let feed_path = format!("{page_path}/calendar.ics");
    let view = |route: &str, path: &str| view_share::handle(&store, &cache, recipient(route, path, &id).into_request());

    assert_eq!(status_of(&view("GET /s/{id}", &page_path).await), 200);
    assert_eq!(status_of(&view("GET /s/{id}", &page_path).await), 200);
    assert_eq!(status_of(&view("HEAD /s/{id}/calendar.ics", &feed_path).await), 200);
    let republish = on("PUT /shares/{id}", &format!("/shares/{id}"), ("id", &id)).json_body(&share_body("New", 4));
    assert_eq!(publish_share::handle(&base, &ServiceConfig::default(), republish.into_request()).await.status(), 200);
    assert_eq!(status_of(&view("GET /s/{id}/calendar.ics", &feed_path).await), 200);
    let unknown = recipient("GET /s/{id}", "/s/nothing-here", "nothing-here");
    assert_eq!(view_share::handle(&store, &cache, unknown.into_request()).await.status(), 404);

    assert_eq!(template_grants("view-share"), recorder.grants(), "calls: {:?}", recorder.operations());
}

/// share-settings (`ShareReads + PolicyReads + PolicyWrites`): `sharing_state` on every route,
/// `put_policy` and `put_user` through the PUTs, `users` through the user list, `group_shares` and
/// `permissions` (the owners' records) through the admins' list, `owner_shares` through it with `?owner=`. The other `ShareReads` methods are in the bounds, unused by any route.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_settings_is_granted_exactly_what_its_routes_call() {
    let base = fresh_store().await;
    let id = publish(&base, &share_body("Rota", 2)).await;
    let (store, recorder) = OperationRecorder::over(&base);
    let config = ServiceConfig::default();
    let call = |request: Request| share_settings::handle(&store, &config, request);
    store.warm_up().await;

    assert_eq!(status_of(&call(authenticated("GET /settings", "/settings").into_request()).await), 200);
    let policy = authenticated("PUT /settings", "/settings").json_body(&json!({"sharing": "everyone"}));
    assert_eq!(status_of(&call(policy.into_request()).await), 200);
    let user = on("PUT /settings/users/{userId}", "/settings/users/kim", ("userId", "kim"))
        .json_body(&json!({"email": "kim@example.com", "canShare": true, "admin": false}));
    assert_eq!(status_of(&call(user.into_request()).await), 200);
    let users = call(authenticated("GET /settings/users", "/settings/users").into_request()).await;
    assert_eq!(body_json(&users)["users"][0]["userId"], "kim", "{}", body_text(&users));
    let shares = call(authenticated("GET /admin/shares", "/admin/shares").into_request()).await;
    assert_eq!(body_json(&shares)["shares"][0]["id"].as_str(), Some(id.as_str()), "{}", body_text(&shares));
    let owner = body_json(&shares)["shares"][0]["owner"]["userId"].as_str().unwrap().to_owned();
    let narrowed = authenticated("GET /admin/shares", "/admin/shares").query(&format!("owner={owner}"));
    let narrowed = call(narrowed.into_request()).await;
    assert_eq!(body_json(&narrowed)["shares"][0]["id"].as_str(), Some(id.as_str()), "{}", body_text(&narrowed));

    assert_eq!(template_grants("share-settings"), recorder.grants(), "calls: {:?}", recorder.operations());
    assert_writes_within("share-settings", &recorder.written_partitions());
}

/// unlock-share (`ShareReads + PolicyReads + LockoutCounts`): `share` and `sharing_state` on every
/// unlock, `count_wrong_try` before every check (a new window and a count into it are two conditional
/// updates), `refund_try` after a right one. Its writes are confined to the lockout partitions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlock_share_is_granted_exactly_what_its_route_calls() {
    let base = fresh_store().await;
    let mut body = share_body("Rota", 2);
    body["password"] = json!("correct horse battery");
    let id = publish(&base, &body).await;
    let (store, recorder) = OperationRecorder::over(&base);
    store.warm_up().await;
    let config = ServiceConfig::default();
    let rule = share_core::domain::LockoutRule::default();
    let unlock = |password: &str| {
        let form = format!("password={}", password.replace(' ', "+"));
        let event = recipient("POST /s/{id}/unlock", &format!("/s/{id}/unlock"), &id)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.as_bytes());
        unlock_share::handle(&store, &config, rule, event.into_request())
    };
    assert_eq!(status_of(&unlock("wrong guess").await), 401);
    assert_eq!(status_of(&unlock("wrong again").await), 401);
    assert_eq!(status_of(&unlock("correct horse battery").await), 303);

    assert_eq!(template_grants("unlock-share"), recorder.grants(), "calls: {:?}", recorder.operations());
    let template = template();
    let function = &template["Resources"]["UnlockShareFunction"]["Properties"];
    let statements = function["Policies"][0]["Statement"].as_sequence().unwrap();
    let writes = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
    let writing =
        |statement: &&Value| one_or_many(&statement["Action"]).iter().any(|a| writes.contains(&a.as_str().unwrap()));
    for statement in statements.iter().filter(writing) {
        let leading = &statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
        assert_eq!(one_or_many(leading).iter().map(|k| k.as_str().unwrap()).collect::<Vec<_>>(), ["LOCKOUT#*"]);
    }
    let pks: BTreeSet<String> = scan_all(&base)
        .await
        .iter()
        .filter_map(|item| match item.get("pk") {
            Some(AttributeValue::S(pk)) if pk.starts_with("LOCKOUT#") => Some(pk.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(pks, BTreeSet::from([format!("LOCKOUT#{id}")]), "the wrong tries are counted under their own partition");
}

fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    &template["Resources"][name]
}

fn is_ref(value: &Value, name: &str) -> bool {
    matches!(value, Value::Tagged(tagged) if tagged.tag == "Ref" && tagged.value.as_str() == Some(name))
}

/// The names a `Resource` of a statement refers to: `!Ref NAME`, lists of them, and both branches of
/// an `!If`.
fn referenced(resource: &Value) -> BTreeSet<String> {
    match resource {
        Value::Tagged(tagged) if tagged.tag == "Ref" => BTreeSet::from([tagged.value.as_str().unwrap().to_owned()]),
        Value::Tagged(tagged) if tagged.tag == "If" => {
            tagged.value.as_sequence().unwrap()[1..].iter().flat_map(referenced).collect()
        }
        Value::Sequence(values) => values.iter().flat_map(referenced).collect(),
        // The other branch of an `!If`: no secret.
        Value::String(empty) if empty.is_empty() => BTreeSet::new(),
        other => panic!("not a reference: {other:?}"),
    }
}

/// No function holds a secret in its environment (anyone allowed `lambda:GetFunctionConfiguration`
/// reads those): each gets its secrets' ARNs, may read exactly those secrets, and the keys a
/// deployment cannot regenerate without harm are kept when the stack goes.
#[test]
fn secrets_are_read_at_init_and_never_held_in_the_environment() {
    let template = template();
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    let expected = [
        ("PublishShareFunction", vec![("SOURCE_ID_KEY_ARN", "SourceIdKey")]),
        (
            "ViewShareFunction",
            vec![("SHARE_COOKIE_KEY_ARN", "ShareCookieKey"), ("ORIGIN_SECRET_ARN", "OriginVerifySecret")],
        ),
        (
            "UnlockShareFunction",
            vec![("SHARE_COOKIE_KEY_ARN", "ShareCookieKey"), ("ORIGIN_SECRET_ARN", "OriginVerifySecret")],
        ),
        ("ShareSettingsFunction", vec![]),
    ];
    for (name, secrets) in expected {
        let function = resource(&template, name);
        let variables = &function["Properties"]["Environment"]["Variables"];
        for scope in [globals, variables] {
            for (variable, value) in scope.as_mapping().into_iter().flatten() {
                let text = serde_norway::to_string(value).unwrap();
                assert!(!text.contains("resolve:secretsmanager"), "{name}: {variable:?} holds a secret's value");
                let variable = variable.as_str().unwrap();
                assert!(
                    !["SOURCE_ID_KEY", "SHARE_COOKIE_KEY", "ORIGIN_SECRET"].contains(&variable),
                    "{name}: {variable}"
                );
            }
        }
        let mut readable = BTreeSet::new();
        for statement in function["Properties"]["Policies"][0]["Statement"].as_sequence().unwrap() {
            if one_or_many(&statement["Action"])
                .iter()
                .any(|action| action.as_str() == Some("secretsmanager:GetSecretValue"))
            {
                readable.extend(referenced(&statement["Resource"]));
            }
        }
        let handed: BTreeSet<String> = secrets.iter().map(|(_, secret)| (*secret).to_owned()).collect();
        assert_eq!(readable, handed, "{name} may read exactly the secrets it is handed");
        for (variable, secret) in secrets {
            let value = &variables[variable];
            assert!(is_ref(value, secret) || referenced(value).contains(secret), "{name}: {variable} = {value:?}");
            assert_eq!(resource(&template, secret)["Type"].as_str(), Some("AWS::SecretsManager::Secret"));
        }
    }
    for kept in ["SourceIdKey", "ShareCookieKey"] {
        assert_eq!(resource(&template, kept)["DeletionPolicy"].as_str(), Some("Retain"), "{kept}");
        assert_eq!(resource(&template, kept)["UpdateReplacePolicy"].as_str(), Some("Retain"), "{kept}");
    }
}

/// With the CDN on, the distribution adds the origin secret as a header to every request it forwards,
/// and the recipients' functions read the same secret: a request straight to the API (around the
/// WAF rule and the cache) is refused. Without the CDN, no secret and no check.
#[test]
fn with_the_cdn_on_the_recipients_routes_answer_only_through_it() {
    let template = template();
    let secret = resource(&template, "OriginVerifySecret");
    assert_eq!(secret["Condition"].as_str(), Some("CdnEnabled"));
    let distribution = &resource(&template, "ShareCdn")["Properties"]["DistributionConfig"];
    let origins = distribution["Origins"].as_sequence().unwrap();
    assert_eq!(origins.len(), 1, "one origin: the API");
    let headers = origins[0]["OriginCustomHeaders"].as_sequence().expect("the origin's custom headers");
    let header = headers.iter().find(|h| {
        h["HeaderName"].as_str().is_some_and(|name| name.eq_ignore_ascii_case(share_core::http::page::ORIGIN_HEADER))
    });
    let value = serde_norway::to_string(&header.expect("the origin header")["HeaderValue"]).unwrap();
    assert!(value.contains("{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"), "{value}");
    for function in ["ViewShareFunction", "UnlockShareFunction"] {
        let variable = &resource(&template, function)["Properties"]["Environment"]["Variables"]["ORIGIN_SECRET_ARN"];
        let Value::Tagged(condition) = variable else { panic!("{function}: {variable:?}") };
        let branches = condition.value.as_sequence().unwrap();
        assert_eq!(
            (condition.tag.to_string().as_str(), branches[0].as_str()),
            ("!If", Some("CdnEnabled")),
            "{function}"
        );
        assert!(is_ref(&branches[1], "OriginVerifySecret") && branches[2].as_str() == Some(""), "{function}");
    }
}

/// page-assets serves two files compiled into it: no policy, so no table and no secret it could read.
#[test]
fn page_assets_may_do_nothing_but_answer() {
    let template = template();
    let function = function_of(&template, "page-assets");
    assert!(function["Properties"]["Policies"].is_null(), "{:?}", function["Properties"]["Policies"]);
    assert!(function["Properties"]["Environment"].is_null());
}

/// The console serves files compiled into it and where to sign in: no policy, so no table and no
/// secret it could read.
#[test]
fn the_console_may_do_nothing_but_answer() {
    let template = template();
    let function = function_of(&template, "share-console");
    assert!(function["Properties"]["Policies"].is_null(), "{:?}", function["Properties"]["Policies"]);
    let variables = function["Properties"]["Environment"]["Variables"].as_mapping().unwrap();
    let names: Vec<&str> = variables.keys().filter_map(|name| name.as_str()).collect();
    assert_eq!(names, ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_SCOPE"]);
}
