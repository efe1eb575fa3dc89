#!/usr/bin/env python3
"""Counts the expired prospects of a generated data set (shared/bench/gen_dataset.py), written
independently of Vigie to check `vigie retention plan`'s `expired_prospects`.

    scripts/retention_count.py DATA_DIR AT

The rule, as the decision contract states RETENTION_EXPIRED: a contact that is not a customer
and not a generic address, whose latest sign of life (the later of collected_at and every
consent event at or before AT) is more than three calendar years before AT. The three years are
counted on AT's own clock (same wall-clock time, 29 February becoming 28 February). A contact
with no collection date and no event is expired. Prints the count.
"""
import csv
import datetime
import os
import sys


def parse(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def three_years_before(at):
    try:
        return at.replace(year=at.year - 3)
    except ValueError:  # 29 February
        return at.replace(year=at.year - 3, day=28)


def main():
    data, at_text = sys.argv[1], sys.argv[2]
    at = parse(at_text)
    cutoff = three_years_before(at)
    prospects = {}  # contact_ref -> latest sign of life so far (None: none)
    with open(os.path.join(data, "contacts.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["customer"] == "true" or row["audience"] == "generic":
                continue
            c = row["collected_at"]
            prospects[row["contact_ref"]] = parse(c) if c else None
    with open(os.path.join(data, "consents.csv"), newline="") as f:
        for row in csv.DictReader(f):
            ref = row["contact_ref"]
            if ref not in prospects:
                continue
            t = parse(row["at"])
            if t > at:
                continue
            seen = prospects[ref]
            if seen is None or t > seen:
                prospects[ref] = t
    print(sum(1 for seen in prospects.values() if seen is None or seen < cutoff))


if __name__ == "__main__":
    main()
