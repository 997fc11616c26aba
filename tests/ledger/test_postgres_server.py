"""The throwaway PostgreSQL server of conftest.py: real, exact with NUMERIC, one empty database per request."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Numeric, Table, create_engine, inspect, select, text


@contextmanager
def connected(url: str):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _scores(metadata: MetaData) -> Table:
    return Table("scores", metadata, Column("id", Integer, primary_key=True), Column("points", Numeric(12, 4)))


def test_is_a_real_postgresql_server_and_numeric_is_exact(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://bideval@127.0.0.1:")
    with connected(postgres_url) as conn:
        assert conn.execute(text("SELECT version()")).scalar_one().startswith("PostgreSQL")
        scores = _scores(MetaData())
        scores.create(conn)
        conn.execute(scores.insert(), [{"id": 1, "points": Decimal("12.3450")}])
        points = conn.execute(select(scores.c.points)).scalar_one()
    assert isinstance(points, Decimal)
    assert str(points) == "12.3450"  # not a float, and the scale is kept (Decimal("12.345") would compare equal)


def test_each_database_is_fresh_and_separate(postgres_url_factory):
    first, second = postgres_url_factory(), postgres_url_factory()
    assert first != second
    with connected(first) as conn:
        _scores(MetaData()).create(conn)
        assert inspect(conn).get_table_names() == ["scores"]
    with connected(second) as conn:
        assert inspect(conn).get_table_names() == []
