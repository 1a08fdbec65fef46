//! The share page: the layout around one view (month grid, week or day by the hour, agenda list,
//! one event's details), its pager, view switch and filters. View structs borrow from the snapshot;
//! the templates in `templates/` escape everything they print except descriptions sanitised at
//! write time.

mod agenda;
mod chip;
mod dates;
mod details;
mod error_page;
mod filters;
mod look;
mod month;
mod subscribe;
mod week;

pub use error_page::{ErrorPage, error_page};

use super::locale::{Language, LanguageSources, PageLocale, Strings};
use super::query::{LinkState, PageQuery, PageStart};
use crate::domain::{
    DateRange, DayTime, DefaultView, Description, DetailLevel, DisplaySettings, ShareOptions, ShareRecord, SharedEvent,
    served_at,
};
use agenda::AgendaView;
use askama::Template;
use dates::LongDate;
use details::DetailsView;
use filters::{Choices, Folders, Narrowing, ZONE_CHOICES};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use look::Looks;
use month::MonthView;
use subscribe::{PrintedLink, SubscribeLinks};
use week::WeekView;

/// What the page settled on from the query, the snapshot and today.
struct PageContext<'a> {
    zone: &'a TimeZone,
    range: DateRange,
    anchor: Date,
    /// Events of the anchor's listing already shown on earlier pages (agenda only).
    skip: usize,
    today: Date,
    availability: bool,
    looks: Looks<'a>,
    /// The grid's hours when the group sets them; else the working day, widened to the events.
    day_hours: Option<(DayTime, DayTime)>,
    links: LinkState<'a>,
    locale: PageLocale,
}

/// What a view puts on the page: its body, the period it covers, where its previous and next pages
/// start (inside the range), and how the pager names the steps.
struct ViewPage<'a> {
    body: Body<'a>,
    period: String,
    prev: Option<PageStart>,
    next: Option<PageStart>,
    steps: StepNames,
}

/// The pager's words: "‹ Previous month", "Later ›".
#[derive(Clone, Copy)]
struct StepNames {
    earlier: &'static str,
    later: &'static str,
    /// Only for screen readers.
    unit: &'static str,
}

impl StepNames {
    /// "Previous"/"Next" and a unit ("" for none).
    fn paging(strings: &Strings, unit: &'static str) -> Self {
        Self { earlier: strings.previous, later: strings.next, unit }
    }
}

enum Body<'a> {
    Month(MonthView<'a>),
    /// The week grid, or the day view's one-day form of it.
    Week(WeekView<'a>),
    Agenda(AgendaView<'a>),
    Details(DetailsView<'a>),
}

struct ViewLink {
    label: &'static str,
    href: String,
    current: bool,
}

struct Pager {
    prev: Option<String>,
    today: Option<String>,
    next: Option<String>,
    steps: StepNames,
}

#[derive(Template)]
#[template(path = "share.html", whitespace = "minimize")]
struct SharePageTemplate<'a> {
    /// `<html lang>`.
    lang: &'static str,
    language: Language,
    /// The switch offers every language, each in its own name.
    languages: [Language; Language::ALL.len()],
    /// The recipient's pick, which the filters form keeps.
    links_lang: Option<&'static str>,
    t: &'static Strings,
    title: &'a str,
    share_id: &'a str,
    embed: bool,
    /// The embed page's `header=0` and `controls=0`.
    no_header: bool,
    no_controls: bool,
    zone_name: &'a str,
    share_zone: &'a str,
    switched_zone: bool,
    reset_zone_href: String,
    availability: bool,
    period: String,
    range_first: LongDate,
    range_last: LongDate,
    view: DefaultView,
    date: Option<Date>,
    views: [ViewLink; 4],
    pager: Pager,
    /// This page as it is (view, date, filters, zone): what its event links add their key to, and
    /// where the details view leads back to.
    here_href: EscapedHref,
    resources: Choices<'a>,
    /// The group's resource folders, grouping the resource filter.
    folders: &'a Folders<'a>,
    statuses: Choices<'a>,
    extra_zone: Option<&'a str>,
    clear_href: Option<String>,
    /// None for a password share (its feed opens only with the key its owner hands out) and a sealed
    /// one (it has no feed).
    subscribe: Option<SubscribeLinks>,
    ask_for_feed: bool,
    /// The page's link and its QR code, but for a sealed share (its link holds its key).
    printed_link: Option<PrintedLink>,
    body: Body<'a>,
}

impl SharePageTemplate<'_> {
    fn zone_choices(&self) -> impl Iterator<Item = &'static str> + '_ {
        ZONE_CHOICES.iter().copied().filter(|zone| *zone != self.share_zone)
    }

    fn zone_selected(&self, zone: &str) -> bool {
        self.switched_zone && self.zone_name == zone
    }

    /// Enough room for the page, so rendering writes without regrowing.
    fn size_estimate(&self) -> usize {
        let items: usize = match &self.body {
            Body::Month(month) => month.weeks.iter().flatten().map(|cell| cell.chips.len()).sum(),
            Body::Week(week) => week.days.iter().map(|day| day.all_day.len() + day.blocks.len()).sum(),
            Body::Agenda(agenda) => agenda.days.iter().map(|day| day.items.len() * 2).sum(),
            Body::Details(_) => 0,
        };
        let choices = self.resources.values.len() + self.statuses.values.len();
        24 * 1024 + 160 * items + 64 * choices
    }

    fn is_details(&self) -> bool {
        matches!(self.body, Body::Details(_))
    }

    fn has_filters(&self) -> bool {
        !self.resources.values.is_empty() || !self.statuses.values.is_empty()
    }

    fn is_current(&self, language: &Language) -> bool {
        *language == self.language
    }
}

/// A link escaped for an attribute value once, as the template's escaper would: every event link
/// on a page starts with the page's own, and writing it unescaped saves a pass per event.
struct EscapedHref(String);

impl EscapedHref {
    fn new(href: &str) -> Self {
        let mut escaped = String::with_capacity(href.len() + 16);
        for c in href.chars() {
            match c {
                '&' => escaped.push_str("&#38;"),
                '<' => escaped.push_str("&#60;"),
                '>' => escaped.push_str("&#62;"),
                '"' => escaped.push_str("&#34;"),
                '\'' => escaped.push_str("&#39;"),
                c => escaped.push(c),
            }
        }
        Self(escaped)
    }
}

impl std::fmt::Display for EscapedHref {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for EscapedHref {}

impl askama::FastWritable for EscapedHref {
    fn write_into(&self, dest: &mut dyn std::fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(dest.write_str(&self.0)?)
    }
}

/// What the page needs of a share besides its events: a stored share's record, or a sealed share's
/// envelope and title as its page opened them in the browser.
#[derive(Clone, Copy)]
pub struct PageShare<'a> {
    pub id: &'a str,
    pub options: &'a ShareOptions,
    pub feed: FeedOffer,
}

/// What the page says about the share's feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOffer {
    /// Subscribe links and the feed's address.
    Links,
    /// A password share's feed opens only with the key its owner hands out: ask them.
    AskTheOwner,
    /// A sealed share has no feed: nothing.
    NoFeed,
}

impl<'a> From<&'a ShareRecord> for PageShare<'a> {
    fn from(record: &'a ShareRecord) -> Self {
        let feed = match (record.sealed, &record.lock) {
            (true, _) => FeedOffer::NoFeed,
            (false, Some(_)) => FeedOffer::AskTheOwner,
            (false, None) => FeedOffer::Links,
        };
        Self { id: record.id.as_str(), options: &record.options, feed }
    }
}

/// `origin` is where the share is served (`PublicOrigin` as text): the subscribe links name the
/// feed's absolute address on it.
pub fn share_page<'a>(
    share: impl Into<PageShare<'a>>,
    events: &[SharedEvent],
    display: &DisplaySettings,
    query: &PageQuery,
    origin: &str,
    now: Timestamp,
) -> String {
    let share = share.into();
    let options = share.options;
    let events = &*served_at(options, events, now);
    let sources = LanguageSources {
        picked: query.lang,
        share_locale: options.locale.as_ref(),
        group_locale: display.locale.as_ref(),
        browser: query.browser_language,
    };
    let locale = PageLocale::new(sources.resolve(), display);
    let t = locale.strings;
    let chosen_zone = query.tz.as_ref().filter(|tz| tz.name() != options.time_zone.name());
    let zone_setting = chosen_zone.unwrap_or(&options.time_zone);
    let zone = zone_setting.zone();
    let today = query.today(&options.time_zone, now);
    let range = options.range_at(now);
    let view = query.view.unwrap_or(options.view);
    let date = query.date.filter(|day| range.contains(*day));
    // The share's `openOn` when the query names no date, else today when it is in range.
    let opening = options.open_on.filter(|day| options.rolling.is_none() && range.contains(*day));
    let anchor = date.or(opening).unwrap_or(if range.contains(today) { today } else { range.start });

    let (resources, statuses) = Choices::of(events, query);
    let (resource, status) = (resources.selected, statuses.selected);
    let folders = Folders::of(&display.resource_folders, &resources.values, query.folder.as_deref());
    let folder = folders.selected;
    let narrowing = Narrowing::new(&folders, resource, status);
    let shown = events.iter().filter(move |event| narrowing.keeps(event));
    let details = query.event.and_then(|key| details::find(shown.clone(), key));

    let links = LinkState {
        folder,
        resource,
        status,
        tz: chosen_zone.map(|tz| tz.name()),
        lang: query.lang,
        embed: query.embed,
        no_header: query.embed && query.no_header,
        no_controls: query.embed && query.no_controls,
    };
    let skip = if view == DefaultView::Agenda && date.is_some() { query.skip } else { 0 };
    let availability = options.detail == DetailLevel::Availability;
    let looks = Looks::new(availability, &display.status_colors);
    let day_hours = display.day_hours();
    let page = PageContext { zone, range, anchor, skip, today, availability, looks, day_hours, links, locale };
    let last_day = range.end.yesterday().unwrap_or(range.start);
    let today_href = (range.contains(today) && details.is_none()).then(|| links.href(view, None));
    let ViewPage { body, period, prev, next, steps } = match (details, view) {
        (Some(event), _) => details::details_page(&page, event, options.detail),
        (None, DefaultView::Month) => month::month_page(&page, shown),
        (None, DefaultView::Week) => week::week_page(&page, shown),
        (None, DefaultView::Day) => week::day_page(&page, shown),
        (None, DefaultView::Agenda) => agenda::agenda_page(&page, shown),
    };
    let pager = Pager {
        prev: prev.map(|start| links.href_from(view, start)),
        today: today_href,
        next: next.map(|start| links.href_from(view, start)),
        steps,
    };
    let view_link = |target: DefaultView, label: &'static str| ViewLink {
        label,
        href: links.href(target, date),
        current: target == view,
    };
    let page = SharePageTemplate {
        lang: locale.language.tag(),
        language: locale.language,
        languages: Language::ALL,
        links_lang: query.lang.map(Language::tag),
        t,
        title: &options.title,
        share_id: share.id,
        embed: query.embed,
        no_header: links.no_header,
        no_controls: links.no_controls,
        zone_name: zone_setting.name(),
        share_zone: options.time_zone.name(),
        switched_zone: chosen_zone.is_some(),
        reset_zone_href: if chosen_zone.is_some() { links.without_tz(view, date) } else { String::new() },
        availability: page.availability,
        period,
        range_first: LongDate(range.start, locale.formats),
        range_last: LongDate(last_day, locale.formats),
        view,
        date,
        views: [
            view_link(DefaultView::Month, t.month),
            view_link(DefaultView::Week, t.week),
            view_link(DefaultView::Day, t.day),
            view_link(DefaultView::Agenda, t.agenda),
        ],
        pager,
        here_href: EscapedHref::new(&links.href(view, date)),
        extra_zone: chosen_zone.map(|tz| tz.name()).filter(|name| !ZONE_CHOICES.contains(name)),
        clear_href: (folder.is_some() || resource.is_some() || status.is_some())
            .then(|| LinkState { folder: None, resource: None, status: None, ..links }.href(view, date)),
        resources,
        folders: &folders,
        statuses,
        subscribe: (share.feed == FeedOffer::Links).then(|| SubscribeLinks::for_feed(origin, share.id, &options.title)),
        ask_for_feed: share.feed == FeedOffer::AskTheOwner,
        printed_link: (share.feed != FeedOffer::NoFeed).then(|| PrintedLink::for_page(origin, share.id)).flatten(),
        body,
    };
    let mut html = String::with_capacity(page.size_estimate());
    page.render_into(&mut html).expect("share page renders");
    html
}

#[cfg(test)]
mod details_and_day_tests;
#[cfg(test)]
mod language_tests;
#[cfg(test)]
mod tests;
