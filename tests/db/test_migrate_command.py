"""``passerelle migrate`` and the app start that leaves migrations to it (PASSERELLE_MIGRATE=0):
idempotent, and on PostgreSQL replicas started together wait for each other's upgrade."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from adapters.app import create_app
from adapters.cli import app as cli
from adapters.db.database import (
    MIGRATION_LOCK_SQL,
    MIGRATION_UNLOCK_SQL,
    SchemaNotCurrent,
    head_revision,
    make_engine,
)
from adapters.db.models import Base
from adapters.settings import PROJECT_DIR, Settings
from tests.conftest import POSTGRES_URL

ENCRYPTION_KEY = "A" * 43 + "="


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all: a fresh SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _schema_differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _migrate(url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSERELLE_VAR_DIR", str(tmp_path / "var"))
    for name in ("SECRET_KEY", "ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["migrate"])
    return result.exit_code, result.output


def test_migrate_builds_the_schema_and_a_second_run_does_nothing(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, output = _migrate(empty_database_url, monkeypatch, tmp_path)
    assert code == 0, output
    assert f"migrated from revision none to {head_revision()}" in output
    assert _schema_differences(empty_database_url) == []

    code, output = _migrate(empty_database_url, monkeypatch, tmp_path)
    assert code == 0, output
    assert f"already at revision {head_revision()}: nothing to do" in output
    assert _schema_differences(empty_database_url) == []
    assert not (tmp_path / "var" / "dev-secrets.env").exists(), "migrate needs no secrets"


def test_migrate_says_why_when_the_database_does_not_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, output = _migrate("postgresql+psycopg://nobody@127.0.0.1:9/none", monkeypatch, tmp_path)
    assert code == 1
    assert "passerelle: migrate failed:" in output


def _start_migrate(url: str, tmp_path: Path, name: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ENCRYPTION_KEY"}}
    env |= {"DATABASE_URL": url, "PASSERELLE_VAR_DIR": str(tmp_path / name)}
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "migrate"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


WAITING_FOR_MY_LOCK = """
SELECT count(*) FROM pg_locks waiting JOIN pg_locks mine
  ON mine.locktype = 'advisory' AND mine.granted AND mine.pid = pg_backend_pid()
 AND waiting.classid = mine.classid AND waiting.objid = mine.objid
 AND waiting.objsubid = mine.objsubid
WHERE waiting.locktype = 'advisory' AND NOT waiting.granted
"""


@pytest.mark.postgresql
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_two_migrates_started_together_on_postgresql_take_turns_and_both_succeed(
    empty_database_url: str, tmp_path: Path
) -> None:
    # The test holds the migration lock of the fresh schema, so both processes are certainly
    # inside `migrate` at the same time, then lets them go together.
    holder = make_engine(empty_database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    processes: list[subprocess.Popen[str]] = []
    try:
        with holder.connect() as lock:
            lock.execute(text(MIGRATION_LOCK_SQL))
            processes = [_start_migrate(empty_database_url, tmp_path, f"p{i}") for i in (1, 2)]
            deadline = time.monotonic() + 90
            while lock.execute(text(WAITING_FOR_MY_LOCK)).scalar_one() < 2:
                assert all(p.poll() is None for p in processes), "a migrate did not wait"
                assert time.monotonic() < deadline, "the migrates never reached the lock"
                time.sleep(0.2)
            assert "alembic_version" not in _tables(empty_database_url)
            lock.execute(text(MIGRATION_UNLOCK_SQL))
        outputs = [p.communicate(timeout=120)[0] for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        holder.dispose()
    assert [p.returncode for p in processes] == [0, 0], outputs
    said = sorted("nothing to do" in output for output in outputs)
    assert said == [False, True], "one upgrades, the other finds the schema at head"
    assert _schema_differences(empty_database_url) == []


def _settings(url: str, tmp_path: Path, migrate_at_start: bool) -> Settings:
    return Settings(
        var_dir=tmp_path,
        database_url=url,
        rasa_url="http://127.0.0.1:9",
        secret_key="s" * 40,
        encryption_key=ENCRYPTION_KEY,
        migrate_at_start=migrate_at_start,
    )


async def _healthz(settings: Settings) -> httpx.Response:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.get("/healthz")


async def test_with_migrations_run_apart_the_app_refuses_an_old_schema_and_does_not_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'apart.sqlite3'}"
    with pytest.raises(SchemaNotCurrent, match=r"run `passerelle migrate` first"):
        await _healthz(_settings(url, tmp_path, migrate_at_start=False))
    assert "alembic_version" not in _tables(url), "the app did not migrate"

    code, output = _migrate(url, monkeypatch, tmp_path)
    assert code == 0, output
    answer = await _healthz(_settings(url, tmp_path, migrate_at_start=False))
    assert answer.status_code == 200
    assert answer.json()["database"] == "ok"


async def test_by_default_the_app_migrates_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    answer = await _healthz(_settings(url, tmp_path, migrate_at_start=True))
    assert answer.status_code == 200
    assert _schema_differences(url) == []


def test_the_setting_is_read_from_passerelle_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSERELLE_MIGRATE", "0")
    assert Settings().migrate_at_start is False
    monkeypatch.delenv("PASSERELLE_MIGRATE")
    assert Settings().migrate_at_start is True
