//! The page's words, one file per language with every field filled (the compiler checks), English
//! the source. A field ending in `_before`/`_after` surrounds a value the page puts in between.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod nl;
mod pt;

use super::Language;

pub struct Strings {
    pub skip_to_calendar: &'static str,
    pub shared_calendar: &'static str,
    pub subscribe: &'static str,
    pub subscribe_hint: &'static str,
    pub add_to_google: &'static str,
    pub add_to_outlook: &'static str,
    pub back: &'static str,
    pub back_to_calendar: &'static str,
    pub dates: &'static str,
    pub views: &'static str,
    pub today: &'static str,
    pub month: &'static str,
    pub week: &'static str,
    pub day: &'static str,
    pub agenda: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub earlier: &'static str,
    pub later: &'static str,
    /// After "Previous"/"Next", for screen readers only.
    pub unit_month: &'static str,
    pub unit_week: &'static str,
    pub unit_day: &'static str,
    pub covers_before: &'static str,
    pub covers_between: &'static str,
    pub covers_after: &'static str,
    pub follow_before: &'static str,
    pub follow_link: &'static str,
    pub follow_after: &'static str,
    pub password_footer: &'static str,
    pub filters: &'static str,
    pub resource: &'static str,
    pub all_resources: &'static str,
    /// The group's resource folders: the folder filter, and the group of resources in no folder.
    pub folder: &'static str,
    pub all_folders: &'static str,
    pub other_resources: &'static str,
    pub status: &'static str,
    pub all_statuses: &'static str,
    pub time_zone: &'static str,
    pub calendar_zone: &'static str,
    pub apply: &'static str,
    pub change_zone: &'static str,
    pub clear_filters: &'static str,
    pub language: &'static str,
    pub change_language: &'static str,
    pub times_in: &'static str,
    pub own_zone: &'static str,
    pub availability_note: &'static str,
    pub no_events_month: &'static str,
    pub no_events_week: &'static str,
    pub no_events_day: &'static str,
    pub no_events_from_date: &'static str,
    pub no_events: &'static str,
    pub with_these_filters: &'static str,
    pub more_before: &'static str,
    pub more_after: &'static str,
    pub more_on_day_before: &'static str,
    pub more_on_day_after: &'static str,
    pub comma_today: &'static str,
    pub outside_calendar: &'static str,
    pub all_day: &'static str,
    pub all_day_and_more: &'static str,
    pub all_day_until: &'static str,
    pub comma_all_day: &'static str,
    pub until: &'static str,
    pub from: &'static str,
    pub when: &'static str,
    pub shown_as: &'static str,
    pub location: &'static str,
    pub description: &'static str,
    /// The details view's link to the event as a file for the reader's own calendar.
    pub add_to_calendar: &'static str,
    /// The page's link to its QR code (and the printed code's alternative text).
    pub qr_code: &'static str,
    pub free: &'static str,
    pub tentative: &'static str,
    pub busy: &'static str,
    pub out_of_office: &'static str,
    pub working_elsewhere: &'static str,
    pub unknown: &'static str,
    pub password_required: &'static str,
    pub sealed_title: &'static str,
    pub sealed_explained: &'static str,
    pub sealed_needs_script: &'static str,
    pub sealed_opening: &'static str,
    pub sealed_no_key: &'static str,
    pub sealed_wrong_key: &'static str,
    pub sealed_unreadable: &'static str,
    pub sealed_insecure: &'static str,
    pub protected_before: &'static str,
    pub open_in_new_tab: &'static str,
    pub protected_after: &'static str,
    pub enter_password: &'static str,
    pub password: &'static str,
    pub open_calendar: &'static str,
    pub wrong_password: &'static str,
    pub too_many_tries_before: &'static str,
    pub minute: &'static str,
    pub minutes: &'static str,
    pub too_many_tries_after: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_message: &'static str,
    pub expired_heading: &'static str,
    pub expired_message: &'static str,
    pub unavailable_heading: &'static str,
    pub unavailable_message: &'static str,
    pub too_large_heading: &'static str,
    pub too_large_message: &'static str,
}

impl Strings {
    pub fn of(language: Language) -> &'static Self {
        match language {
            Language::EnUs | Language::EnGb => &en::STRINGS,
            Language::De => &de::STRINGS,
            Language::Fr => &fr::STRINGS,
            Language::Es => &es::STRINGS,
            Language::It => &it::STRINGS,
            Language::Nl => &nl::STRINGS,
            Language::PtBr => &pt::STRINGS,
        }
    }

    pub fn show_as(&self, show_as: crate::domain::ShowAs) -> &'static str {
        use crate::domain::ShowAs;
        match show_as {
            ShowAs::Free => self.free,
            ShowAs::Tentative => self.tentative,
            ShowAs::Busy => self.busy,
            ShowAs::Oof => self.out_of_office,
            ShowAs::WorkingElsewhere => self.working_elsewhere,
            ShowAs::Unknown => self.unknown,
        }
    }
}
