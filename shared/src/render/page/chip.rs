//! An event on one line (`templates/_chip.html`): how the month's cells and the week's all-day row
//! list the part of an event that falls on a day.

use super::look::{Look, Looks, html_safe_display, label};
use crate::render::EventKey;
use crate::render::timeline::{Clock, Segment};
use std::fmt;

#[derive(Debug, Clone, Copy)]
pub(super) enum ChipTime {
    None,
    Starts(Clock),
    Until(Clock),
}

impl ChipTime {
    fn write_time(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Self::None => Ok(()),
            Self::Starts(clock) => clock.write_digits(f),
            Self::Until(clock) => {
                f.write_str("until ")?;
                clock.write_digits(f)
            }
        }
    }
}

html_safe_display!(ChipTime, write_time);

impl ChipTime {
    pub(super) fn is_some(&self) -> bool {
        !matches!(self, Self::None)
    }
}

pub(super) struct Chip<'a> {
    pub(super) key: EventKey,
    pub(super) time: ChipTime,
    pub(super) label: &'a str,
    pub(super) look: Look,
}

impl<'a> Chip<'a> {
    pub(super) fn new(segment: &Segment<'_, 'a>, looks: &Looks<'_>) -> Self {
        let placed = segment.placed;
        let time = if placed.all_day {
            ChipTime::None
        } else if segment.starts {
            ChipTime::Starts(segment.from)
        } else if segment.ends && segment.to.0 < 24 * 60 {
            ChipTime::Until(segment.to)
        } else {
            ChipTime::None
        };
        Self { key: EventKey::of(&placed.event.uid), time, label: label(placed.event), look: looks.of(placed.event) }
    }
}
