"""Reads an iCalendar feed from stdin with Python's `icalendar` package, an independent parser, and
prints its events as JSON for feed.test.mjs to check (the test suite installs the package)."""

import json
import sys

from icalendar import Calendar


def text(value):
    return None if value is None else str(value)


def categories(event):
    found = event.get("categories")
    if found is None:
        return []
    found = found if isinstance(found, list) else [found]
    return [str(category) for prop in found for category in prop.cats]


def moment(value):
    return None if value is None else value.dt.isoformat()


calendar = Calendar.from_ical(sys.stdin.buffer.read())
events = [
    {
        "uid": text(event.get("uid")),
        "summary": text(event.get("summary")),
        "start": moment(event.get("dtstart")),
        "end": moment(event.get("dtend")),
        "location": text(event.get("location")),
        "description": text(event.get("description")),
        "categories": categories(event),
        "color": text(event.get("color")),
        "transp": text(event.get("transp")),
    }
    for event in calendar.walk("VEVENT")
]
json.dump(events, sys.stdout)
