//! The local runner's route table and `template.yaml`'s must not drift: same functions, same
//! routes, and the JWT authorizer with the API's delegated scope on every route but the recipients'
//! ones.

use local_api::routes::Function;
use serde_norway::Value;
use std::collections::{BTreeMap, BTreeSet};

fn template() -> Value {
    let path = format!("{}/template.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Whether `value` is `!Ref name`.
fn is_ref(value: &Value, name: &str) -> bool {
    matches!(value, Value::Tagged(tagged) if tagged.tag == "Ref" && tagged.value.as_str() == Some(name))
}

/// Per function binary: its (route key, public?) pairs as the template declares them.
fn template_routes() -> BTreeMap<String, BTreeSet<(String, bool)>> {
    let template = template();
    let mut routes = BTreeMap::new();
    for resource in template["Resources"].as_mapping().unwrap().values() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        assert_eq!(resource["Metadata"]["BuildMethod"].as_str(), Some("rust-cargolambda"));
        assert_eq!(resource["Properties"]["CodeUri"].as_str(), Some(format!("functions/{binary}").as_str()));
        let mut keys = BTreeSet::new();
        for event in resource["Properties"]["Events"].as_mapping().unwrap().values() {
            assert_eq!(event["Type"].as_str(), Some("HttpApi"));
            let properties = &event["Properties"];
            let key = format!("{} {}", properties["Method"].as_str().unwrap(), properties["Path"].as_str().unwrap());
            // The console's API has no authorizer at all, so its routes name none.
            let public = properties["Auth"]["Authorizer"].as_str() == Some("NONE")
                || (is_ref(&properties["ApiId"], "ConsoleApi") && properties["Auth"].is_null());
            if !public {
                let auth = &properties["Auth"];
                assert_eq!(auth["Authorizer"].as_str(), Some("EntraId"), "{key}");
                let scopes = auth["AuthorizationScopes"].as_sequence().unwrap_or_else(|| panic!("{key}: no scopes"));
                assert!(scopes.len() == 1 && is_ref(&scopes[0], "ApiScope"), "{key}: {scopes:?}");
            }
            keys.insert((key, public));
        }
        routes.insert(binary, keys);
    }
    routes
}

#[test]
fn local_runner_and_template_serve_the_same_routes() {
    let from_code: BTreeMap<String, BTreeSet<(String, bool)>> = Function::ALL
        .into_iter()
        .map(|function| {
            let keys = function.routes().iter().map(|key| (key.to_string(), function.is_public())).collect();
            (function.binary().to_owned(), keys)
        })
        .collect();
    assert_eq!(template_routes(), from_code);
}

#[test]
fn every_function_crate_is_deployed() {
    let crates: BTreeSet<String> = std::fs::read_dir(format!("{}/functions", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(crates, template_routes().into_keys().collect());
}

/// The scope the authorizer requires is the one the functions check, and the one the runner's tokens
/// carry by default.
#[test]
fn the_api_scope_is_one_parameter_for_the_authorizer_and_the_functions() {
    let template = template();
    let default = template["Parameters"]["ApiScope"]["Default"].as_str();
    assert_eq!(default, Some(share_core::config::DEFAULT_SCOPE));
    let environment = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(is_ref(&environment["REQUIRED_SCOPE"], "ApiScope"), "{:?}", environment["REQUIRED_SCOPE"]);
    assert_eq!(environment["CLAIM_SCOPES"].as_str(), Some("scp"));
}

#[test]
fn recipients_routes_answer_head_and_every_other_path_under_s() {
    let view = &template_routes()["view-share"];
    for key in ["HEAD /s/{id}", "HEAD /s/{id}/calendar.ics", "GET /s/{proxy+}", "HEAD /s/{proxy+}"] {
        assert!(view.contains(&(key.to_owned(), true)), "{key}");
    }
}
