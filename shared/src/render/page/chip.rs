//! An event on one line (`templates/_chip.html`): how the month's cells and the week's all-day row
//! list the part of an event that falls on a day.

use super::look::{Look, label};
use crate::render::EventKey;
use crate::render::timeline::{Clock, Segment};
use std::fmt;

#[derive(Debug, Clone, Copy)]
pub(super) enum ChipTime {
    None,
    Starts(Clock),
    Until(Clock),
}

impl fmt::Display for ChipTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => Ok(()),
            Self::Starts(clock) => clock.fmt(f),
            Self::Until(clock) => write!(f, "until {clock}"),
        }
    }
}

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
    pub(super) fn new(segment: &Segment<'_, 'a>, availability: bool) -> Self {
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
        Self {
            key: EventKey::of(&placed.event.uid),
            time,
            label: label(placed.event),
            look: Look::of(placed.event, availability),
        }
    }
}
