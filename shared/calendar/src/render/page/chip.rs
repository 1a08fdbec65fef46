//! An event on one line (`templates/_chip.html`): how the month's cells and the week's all-day row
//! list the part of an event that falls on a day.

use super::look::{Look, Looks, html_safe_display, label};
use crate::render::EventKey;
use crate::render::locale::{ClockPattern, PageLocale};
use crate::render::timeline::{Clock, Segment};
use std::fmt;

#[derive(Clone, Copy)]
pub(super) enum ChipMark {
    None,
    Starts(Clock),
    /// With the language's "until ".
    Until(Clock, &'static str),
}

/// ChipMark a chip's event starts or ends that day, in the page's clock.
#[derive(Clone, Copy)]
pub(super) struct ChipTime {
    when: ChipMark,
    clock: &'static ClockPattern,
}

impl ChipTime {
    fn write_time(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self.when {
            ChipMark::None => Ok(()),
            ChipMark::Starts(clock) => self.clock.write(clock, f),
            ChipMark::Until(clock, until) => {
                f.write_str(until)?;
                self.clock.write(clock, f)
            }
        }
    }
}

html_safe_display!(ChipTime, write_time);

impl ChipTime {
    pub(super) fn is_some(&self) -> bool {
        !matches!(self.when, ChipMark::None)
    }
}

pub(super) struct Chip<'a> {
    pub(super) key: EventKey,
    pub(super) time: ChipTime,
    pub(super) label: &'a str,
    pub(super) look: Look,
}

impl<'a> Chip<'a> {
    pub(super) fn new(segment: &Segment<'_, 'a>, locale: &PageLocale, looks: &Looks<'_>) -> Self {
        let placed = segment.placed;
        let when = if placed.all_day {
            ChipMark::None
        } else if segment.starts {
            ChipMark::Starts(segment.from)
        } else if segment.ends && segment.to.0 < 24 * 60 {
            ChipMark::Until(segment.to, locale.strings.until)
        } else {
            ChipMark::None
        };
        Self {
            key: EventKey::of(&placed.event.uid),
            time: ChipTime { when, clock: locale.clock },
            label: label(placed.event, locale.strings),
            look: looks.of(placed.event),
        }
    }
}
