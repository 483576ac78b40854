"""Counting the organisation insight ahead of its readers (growth.InsightCount)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from growth.models import Engineer, InsightCount
from growth.selectors.insight import kept_counts, months_to, raw_counts


def insight_counts_refresh(*, now: datetime.datetime) -> int:
    """Count the last months of every active engineer afresh; return how many
    rows were kept (an engineer with nothing in a month has none).

    The whole table is replaced in one transaction, so a reader sees either
    the last counting or this one. Should two run at once (two beats), the
    second finds the first's rows and gives way.
    """
    today = now.astimezone(datetime.UTC).date()
    months = months_to(today)
    engineers = Engineer.objects.active()
    members = engineers.order_by().values_list("pk", "start_date")
    raw = raw_counts(engineers, list(members), months=months, by="engineer")
    rows = []
    for (engineer_id, i), counts in raw.items():
        kept = kept_counts(counts)
        if any(kept.values()):
            rows.append(
                InsightCount(
                    engineer_id=engineer_id,
                    month=months[i].start,
                    counted_at=now,
                    **kept,
                )
            )
    try:
        with transaction.atomic():
            InsightCount.objects.all().delete()
            InsightCount.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        return 0
    return len(rows)
