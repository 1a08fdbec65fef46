"""Reads a VFREEBUSY calendar from stdin with Python's `icalendar` and prints its range and periods
as JSON for recipient_files.test.mjs to check."""

import json
import sys

from icalendar import Calendar

calendar = Calendar.from_ical(sys.stdin.buffer.read())
found = []
for component in calendar.walk("VFREEBUSY"):
    props = component.get("freebusy", [])
    props = props if isinstance(props, list) else [props]
    periods = []
    for prop in props:
        for start, end in prop.dt if isinstance(prop.dt, list) else [prop.dt]:
            periods.append({"fbtype": str(prop.params.get("FBTYPE")), "start": start.isoformat(), "end": end.isoformat()})
    found.append(
        {
            "uid": str(component.get("uid")),
            "start": component.get("dtstart").dt.isoformat(),
            "end": component.get("dtend").dt.isoformat(),
            "stamp": component.get("dtstamp").dt.isoformat(),
            "periods": periods,
        }
    )
json.dump({"method": str(calendar.get("method")), "freebusy": found}, sys.stdout)
