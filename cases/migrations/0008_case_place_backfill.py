"""Copy each case's place onto its existing dispatches and rating (``CasePlace``); 0009 then makes it required.

A migration of its own: on PostgreSQL the foreign-key checks of these updates are deferred to the commit, and a
table with pending checks cannot be altered in the same transaction.
"""

from django.db import migrations

BACKFILL = [
    """
    UPDATE cases_casedispatch SET (community_id, street_id, district_id) =
        (SELECT c.community_id, c.street_id, c.district_id FROM cases_case c WHERE c.id = cases_casedispatch.case_id)
    WHERE street_id IS NULL
    """,
    """
    UPDATE cases_rating SET (grid_id, community_id, street_id, district_id) =
        (SELECT c.grid_id, c.community_id, c.street_id, c.district_id FROM cases_case c WHERE c.id = cases_rating.case_id)
    WHERE street_id IS NULL
    """,
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_place_on_dispatches_and_ratings")]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in BACKFILL]
