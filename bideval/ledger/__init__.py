"""The evaluation ledger: every verified archive in one database, and what it says across tenders.

`add` verifies an archive as `bideval verify` does and stores what its evaluation decided
(`records`) in one transaction (`store`); `statistics` answers the integrity questions — an
evaluator's leniency, trims, conflicts and repeated favouritism; a bidder's wins and failures —
as pure functions over rows read back (`read`), in Python with exact fractions, so SQLite and
PostgreSQL give the same answers. The tables are `schema`; `database` opens a ledger and
migrates it (Alembic, `migrations/`).
"""
