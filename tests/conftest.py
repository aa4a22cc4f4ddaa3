"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from adapters.db.database import make_engine, migrate

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # PostgreSQL cases run when TEST_DATABASE_URL is set (always in CI, see .ci/run);
    # without it they are deselected rather than reported as passing.
    if POSTGRES_URL:
        return
    items[:] = [item for item in items if "postgresql" not in item.keywords]


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of the requested kind (``indirect`` parametrisation)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        migrate(url)
        yield url
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = _with_search_path(POSTGRES_URL, schema)
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
