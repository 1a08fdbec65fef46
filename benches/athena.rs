//! Handler time to publish 10,000 athena appointments (a page, departments in two zones, with patient
//! details to skip) on the embedded store; and to refuse a body just under the size limit whose
//! provider map is far over its 1,000 entries (counted, never validated entry by entry).

#[allow(dead_code, reason = "the dense text is the other benchmarks'")]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

fn athena_body(appointments: Vec<Value>) -> Value {
    let mut body = support::rota_body(0, "limited");
    body["format"] = json!("athena");
    body["events"] = json!({"totalcount": appointments.len(), "appointments": appointments});
    body["departmentTimeZones"] = json!({"1": "America/New_York", "2": "America/Chicago"});
    body["departmentNames"] = json!({"1": "Harbor Street Clinic", "2": "Lakeview Annex"});
    body["providerNames"] = json!({"71": "Dr. Lee", "86": "Dr. Okafor"});
    body
}

fn appointment(i: usize) -> Value {
    let (status, provider) = (["f", "o", "2", "3", "4"][i % 5], ["71", "86"][i % 2]);
    json!({
        "appointmentid": (1_000_000 + i).to_string(), "appointmentstatus": status,
        "appointmenttype": "Office Visit", "date": format!("12/{:02}/2026", 1 + i % 28),
        "starttime": format!("{:02}:{:02}", 7 + i % 11, (i % 4) * 15), "duration": 15,
        "departmentid": (1 + i % 2).to_string(), "providerid": provider,
        "patientid": (5_000_000 + i).to_string(),
        "patient": {"firstname": "Pat", "lastname": format!("Doe {i}"), "dob": "01/01/1980", "mobilephone": "(555) 555-0100"},
    })
}

fn publish(c: &mut Criterion) {
    let body = athena_body((0..10_000).map(appointment).collect());
    let mut group = c.benchmark_group("athena");
    group.sample_size(10);
    support::bench_publish(&mut group, "10000 appointments, embedded store", &body, 201);
    group.finish();
}

fn refuse_oversized_provider_map(c: &mut Criterion) {
    let names: serde_json::Map<String, Value> = (0..260_000).map(|i| (i.to_string(), json!("Dr. X"))).collect();
    let mut body = athena_body(Vec::new());
    body["providerNames"] = Value::Object(names);
    let mut group = c.benchmark_group("athena");
    group.sample_size(10);
    support::bench_publish(&mut group, "260,000 provider names refused", &body, 422);
    group.finish();
}

criterion_group!(benches, publish, refuse_oversized_provider_map);
criterion_main!(benches);
