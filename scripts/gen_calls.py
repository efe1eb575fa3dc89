#!/usr/bin/env python3
"""Writes a call log (the CSV that `vigie import calls` reads) for a bench data set.

    scripts/gen_calls.py CONTACTS_CSV OUT_CSV --calls N --before RFC3339 [--days 90] [--seed 7]

Calls go to the contacts of CONTACTS_CSV that have a phone number, named by contact_ref, at
times spread over the DAYS days before BEFORE (so that the 30 days before a campaign hold some
contacts' four attempts and some refusals). Outcomes are weighted as a call centre's day:
mostly no answer, voicemail and answered, a few refusals and consents. Deterministic for a seed.
Stdlib only; about a million rows every few seconds.
"""

import argparse
import csv
import random
from datetime import datetime, timedelta, timezone

OUTCOMES = [
    ("no_answer", 40),
    ("voicemail", 20),
    ("answered", 20),
    ("busy", 8),
    ("callback_requested", 5),
    ("refused", 4),
    ("wrong_number", 2),
    ("consent_given", 1),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("contacts")
    p.add_argument("out")
    p.add_argument("--calls", type=int, required=True)
    p.add_argument("--before", required=True, help="RFC 3339, e.g. 2026-03-10T11:00:00+01:00")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()

    end = datetime.fromisoformat(args.before.replace("Z", "+00:00")).astimezone(timezone.utc)
    span = args.days * 86400
    with open(args.contacts, newline="", encoding="utf-8") as f:
        refs = [r["contact_ref"] for r in csv.DictReader(f) if r.get("phone", "").strip()]
    if not refs:
        raise SystemExit(f"{args.contacts}: no contact with a phone number")
    rng = random.Random(args.seed)
    outcomes = [o for o, _ in OUTCOMES]
    weights = [w for _, w in OUTCOMES]
    # A third of the calls go to a small set of contacts (call-backs, campaigns that insist), so
    # that some contacts reach the limit of four attempts in 30 days.
    insisted = refs[: max(1, len(refs) // 50)]
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["contact_ref", "at", "outcome", "campaign", "agent"])
        for i in range(args.calls):
            ref = rng.choice(insisted) if i % 3 == 0 else rng.choice(refs)
            at = end - timedelta(seconds=rng.randrange(1, span))
            w.writerow([
                ref,
                at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                rng.choices(outcomes, weights)[0],
                f"campaign-{i % 7}",
                f"agent-{i % 40}",
            ])


if __name__ == "__main__":
    main()
