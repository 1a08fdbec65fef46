"""A publish body of a support rota with N events (default 250), in December 2026, New York.

    python3 scripts/rota-body.py [N] > body.json
"""
import json
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 250
events = [{
    "id": f"evt-{i}", "title": f"On call: engineer {i % 37}", "location": f"Desk {i % 12}",
    "start": f"2026-12-{1 + i % 28:02d}T{8 + i % 9:02d}:00:00-05:00",
    "end": f"2026-12-{1 + i % 28:02d}T{8 + i % 9:02d}:45:00-05:00",
    "showAs": "busy", "resource": f"Tier {1 + i % 3}", "status": "Confirmed",
} for i in range(count)]
print(json.dumps({"title": "Support rota", "visibility": "public", "detail": "limited", "view": "month",
                  "timeZone": "America/New_York", "range": {"start": "2026-12-01", "end": "2027-01-01"},
                  "events": events}))
