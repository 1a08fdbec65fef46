//! The share page and the recipients' error pages.

use crate::domain::{DefaultView, EventTime, ShareRecord, SharedEvent};
use askama::Template;
use jiff::{Timestamp, civil::Date};

/// The recipient's choices from the query string; anything invalid is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    pub view: Option<DefaultView>,
    pub date: Option<Date>,
    pub embed: bool,
    pub resource: Option<String>,
    pub status: Option<String>,
}

impl PageQuery {
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self::default();
        for (name, value) in pairs {
            match name {
                "view" => query.view = DefaultView::parse(value).ok(),
                "date" => query.date = value.parse().ok(),
                "embed" => query.embed = value == "1",
                "resource" => query.resource = Some(value.to_owned()),
                "status" => query.status = Some(value.to_owned()),
                _ => {}
            }
        }
        query
    }

    /// Identifies the rendered variant, for the ETag.
    pub fn cache_key(&self) -> String {
        format!("{:?}", self)
    }
}

struct EventLine {
    when: String,
    label: String,
}

#[derive(Template)]
#[template(path = "share.html")]
struct SharePage<'a> {
    title: &'a str,
    time_zone: &'a str,
    events: Vec<EventLine>,
}

pub fn share_page(record: &ShareRecord, events: &[SharedEvent], _query: &PageQuery, _now: Timestamp) -> String {
    let zone = record.options.time_zone.zone();
    let lines = events
        .iter()
        .map(|event| EventLine {
            when: match event.start {
                EventTime::At(at) => at.to_zoned_datetime(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
                EventTime::Day(day) => day.to_string(),
            },
            label: event.title.clone().unwrap_or_else(|| event.show_as.label().to_owned()),
        })
        .collect();
    SharePage { title: &record.options.title, time_zone: record.options.time_zone.name(), events: lines }
        .render()
        .expect("template renders")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Gone,
    Unavailable,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    heading: &'static str,
    message: &'static str,
}

pub fn error_page(kind: ErrorPage) -> String {
    let (heading, message) = match kind {
        ErrorPage::NotFound => ("Calendar not found", "This link does not lead to a shared calendar, or the calendar is no longer shared."),
        ErrorPage::Gone => ("This calendar has expired", "The person who shared this calendar set it to stop being available."),
        ErrorPage::Unavailable => ("Please try again", "The calendar cannot be shown right now. Try again in a moment."),
    };
    ErrorTemplate { heading, message }.render().expect("template renders")
}
