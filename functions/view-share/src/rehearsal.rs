//! A rehearsal of the view during init, where Lambda gives the function the full CPU: one page and
//! one feed of a small built-in share, decoded from its stored form and served through the same
//! request parsing and handler as a real view, with a throwaway cache (only the store's read is left
//! out: the DynamoDB warm-up beside it exercises that). The first real view then finds the code paged
//! in, the heap grown and the time zone database read, and costs about what a warm one does.

use crate::{ShownShare, ViewCache, serve_share};
use jiff::{SignedDuration, Timestamp, ToSpan};
use share_core::domain::{
    DateRange, DefaultView, Description, DetailLevel, DisplaySettings, EventTime, Generation, GroupId, LeftOut, Owner,
    ShareId, ShareOptions, ShareRecord, ShareTimeZone, SharedEvent, ShowAs, UserId,
};
use share_core::{service, snapshot};
use std::sync::Arc;

const ZONE: &str = "America/New_York";
const EVENTS: i64 = 40;

pub async fn rehearse() {
    let started = std::time::Instant::now();
    let Some(share) = sample_share() else {
        tracing::warn!("the view rehearsal could not set up its sample share");
        return;
    };
    let cache = ViewCache::with_budgets(1_000, 1 << 20);
    let id = share.record.id.clone();
    for (route, path) in
        [("GET /s/{id}", format!("/s/{id}")), ("GET /s/{id}/calendar.ics", format!("/s/{id}/calendar.ics"))]
    {
        match lambda_http::request::from_str(&api_gateway_event(route, &path, id.as_str())) {
            Ok(request) => {
                serve_share(&cache, &share_core::ServiceConfig::default(), &request, share.clone());
            }
            Err(error) => tracing::warn!(%error, "the view rehearsal's event did not parse"),
        }
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "view rehearsed");
}

/// A month of full-detail events around today, as a view reads them: stored as a publish stores
/// them, then decoded.
fn sample_share() -> Option<ShownShare> {
    let now = Timestamp::now();
    let time_zone = ShareTimeZone::parse(ZONE).ok()?;
    let today = time_zone.zone().to_datetime(now).date();
    let range = DateRange::new(today.checked_sub(15.days()).ok()?, today.checked_add(15.days()).ok()?).ok()?;
    let events: Vec<SharedEvent> = (0..EVENTS)
        .map(|n| {
            let start = now + SignedDuration::from_hours(n * 17 - 300);
            SharedEvent {
                uid: format!("rehearsal-{n}"),
                start: EventTime::At(start),
                end: EventTime::At(start + SignedDuration::from_mins(45)),
                show_as: ShowAs::Busy,
                title: Some(format!("Rehearsal {n}")),
                location: Some("Room 1".into()),
                description: Some(Description::Text("A sample event of the init rehearsal.".into())),
                resource: None,
                status: None,
                color: None,
                source: None,
            }
        })
        .collect();
    let chunks: Vec<Vec<u8>> = snapshot::encode(&events).into_iter().map(|piece| piece.bytes).collect();
    let events: Arc<[SharedEvent]> = service::snapshot_events(&chunks).ok()?.into();
    let record = ShareRecord {
        id: ShareId::generate(),
        group: GroupId::parse("rehearsal").ok()?,
        owner: Owner { user_id: UserId::parse("rehearsal").ok()?, email: None },
        options: ShareOptions {
            title: "Rehearsal".into(),
            detail: DetailLevel::Full,
            view: DefaultView::Month,
            time_zone,
            range,
            rolling: None,
            open_on: None,
            expires_at: None,
            embed_origins: Vec::new(),
            locale: None,
        },
        event_count: events.len() as u32,
        left_out: LeftOut::default(),
        created_at: now,
        updated_at: now,
        generation: Generation::generate(),
        pieces: Vec::new(),
        source_buckets: 0,
        rotated_from: None,
        follows: Vec::new(),
        sealed: false,
        lock: None,
    };
    Some(ShownShare { record, events, sealed: None, display: DisplaySettings::NONE })
}

/// An API Gateway HTTP API (payload 2.0) event for `path`, as a browser's request arrives.
fn api_gateway_event(route: &str, path: &str, id: &str) -> String {
    serde_json::json!({
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"accept": "text/html", "accept-language": "en-US", "host": "rehearsal.invalid", "x-forwarded-proto": "https"},
        "pathParameters": {"id": id},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "rehearsal",
            "domainName": "rehearsal.invalid",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "rehearsal"},
            "requestId": "rehearsal",
            "routeKey": route,
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 0
        },
        "isBase64Encoded": false
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::StatusCode;

    /// The rehearsal is worth its init time only if it walks the real path: its share serves 200.
    #[tokio::test]
    async fn the_sample_share_serves_its_page_and_feed() {
        let share = sample_share().expect("sample share");
        let cache = ViewCache::with_budgets(1_000, 1 << 20);
        let id = share.record.id.clone();
        for (route, path) in
            [("GET /s/{id}", format!("/s/{id}")), ("GET /s/{id}/calendar.ics", format!("/s/{id}/calendar.ics"))]
        {
            let request = lambda_http::request::from_str(&api_gateway_event(route, &path, id.as_str())).expect("event");
            let response = serve_share(&cache, &share_core::ServiceConfig::default(), &request, share.clone());
            assert_eq!(response.status(), StatusCode::OK, "{route}");
            let body = match response.body() {
                lambda_http::Body::Text(text) => text.clone(),
                other => panic!("unexpected body {other:?}"),
            };
            assert!(body.contains("Rehearsal"), "{route}");
        }
    }
}
