"""Alembic's entry point for the ledger. bideval runs it itself (`bideval.ledger.database`), on a
connection it has opened and locked; the tables it compares against are `bideval.ledger.schema`."""

from alembic import context

from bideval.ledger.database import VERSION_TABLE
from bideval.ledger.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
