//! The local runner's route table and `template.yaml`'s must not drift: same functions, same
//! routes, and the JWT authorizer on every route but the recipients' ones.

use local_api::routes::Function;
use serde_norway::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Per function binary: its (route key, public?) pairs as the template declares them.
fn template_routes() -> BTreeMap<String, BTreeSet<(String, bool)>> {
    let path = format!("{}/template.yaml", env!("CARGO_MANIFEST_DIR"));
    let template: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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
            let public = properties["Auth"]["Authorizer"].as_str() == Some("NONE");
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
