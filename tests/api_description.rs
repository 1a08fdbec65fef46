//! `GET /openapi.json`: an OpenAPI 3.1 document of exactly the runner's JSON routes, every error
//! problem+json, every reference resolved. Whether the answers match it is Schemathesis's part
//! (scripts/api-check.sh).

use crate::support::TestApp;
use local_api::routes::Function;
use serde_json::Value;
use share_core::http::OPENAPI_JSON;
use share_core::store::EmbeddedStore;
use std::collections::BTreeSet;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn document() -> Value {
    serde_json::from_str(OPENAPI_JSON).expect("the API's description is JSON")
}

/// Every operation as a route key (`GET /shares/{id}`), with its operation object.
fn operations(document: &Value) -> Vec<(String, &Value)> {
    let paths = document["paths"].as_object().expect("paths is an object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                item.get(*method).map(|operation| (format!("{} {path}", method.to_uppercase()), operation))
            })
        })
        .collect()
}

/// Every JSON route the runner serves: all routes but the recipients' pages and feeds under `/s/`,
/// the sealed page's assets and the console's files.
fn json_routes() -> BTreeSet<String> {
    Function::ALL
        .into_iter()
        .flat_map(|function| function.routes().iter())
        .filter(|key| {
            !key.split_once(' ').is_some_and(|(_, path)| {
                path.starts_with("/s/") || path.starts_with("/assets/") || path.starts_with("/console")
            })
        })
        .map(|key| key.to_string())
        .collect()
}

#[test]
fn the_description_is_openapi_3_1_of_exactly_the_json_routes() {
    let document = document();
    assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.1.")), "{}", document["openapi"]);
    assert!(document["info"]["title"].is_string() && document["info"]["version"].is_string());
    let described: BTreeSet<String> = operations(&document).into_iter().map(|(key, _)| key).collect();
    assert_eq!(described, json_routes());
}

/// The runner serves the document itself, to anyone (the store plays no part).
#[tokio::test]
async fn the_description_is_served_without_a_token() {
    let app = TestApp::over(EmbeddedStore::new()).await;
    let answer = app.get("/openapi.json", &app.anonymous()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.json(), document());
}

#[test]
fn every_route_but_the_description_needs_the_bearer_token_and_its_scope() {
    let document = document();
    let scheme = &document["components"]["securitySchemes"]["bearerAuth"];
    assert_eq!((scheme["type"].as_str(), scheme["scheme"].as_str()), (Some("http"), Some("bearer")));
    assert!(scheme["description"].as_str().is_some_and(|text| text.contains(share_core::config::DEFAULT_SCOPE)));
    assert_eq!(document["security"], serde_json::json!([{"bearerAuth": [share_core::config::DEFAULT_SCOPE]}]));
    for (key, operation) in operations(&document) {
        let open = operation.get("security").is_some_and(|security| security == &serde_json::json!([]));
        assert_eq!(open, key == "GET /openapi.json", "{key}");
        assert!(operation["operationId"].is_string(), "{key}");
    }
}

#[test]
fn every_error_is_problem_json_and_every_success_is_described() {
    let document = document();
    let resolve = |value: &Value| -> Value {
        match value["$ref"].as_str() {
            Some(pointer) => document.pointer(pointer.trim_start_matches('#')).cloned().expect("resolves"),
            None => value.clone(),
        }
    };
    // What API Gateway (or the runner in its place) answers on any route: a body or head over its
    // limits, and throttling (which only API Gateway does, in its own JSON).
    let gateway = ["413", "429", "431"];
    for (key, operation) in operations(&document) {
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.keys().any(|status| status.starts_with('2')), "{key}: no success");
        for status in gateway {
            assert!(responses.contains_key(status), "{key}: no {status}");
        }
        for (status, response) in responses {
            let response = resolve(response);
            if status.starts_with('4') || status.starts_with('5') {
                let content = &response["content"];
                assert!(content["application/problem+json"].is_object() || status == "429", "{key} {status}");
                assert!(key != "GET /openapi.json" || gateway.contains(&status.as_str()), "{key} answers {status}");
            }
        }
    }
    let created = resolve(&document["paths"]["/shares"]["post"]["responses"]["201"]);
    assert_eq!(created["headers"]["Location"]["required"], true);
}

#[test]
fn every_reference_resolves() {
    let document = document();
    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(fields) => {
                if let Some(Value::String(reference)) = fields.get("$ref") {
                    found.push(reference);
                }
                fields.values().for_each(|field| references(field, found));
            }
            Value::Array(items) => items.iter().for_each(|item| references(item, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("{reference}: only local references"));
        assert!(document.pointer(pointer).is_some(), "{reference} does not resolve");
    }
}
