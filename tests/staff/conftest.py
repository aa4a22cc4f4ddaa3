"""Fixtures of the console tests. Each test module parametrises ``database_url`` over
SQLite and PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette

from tests.staff.world import MovableClock, Side, build_world, client, console_app


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def world(db: Engine) -> tuple[Side, Side]:
    return build_world(db)


@pytest.fixture
def app(db: Engine, clock: MovableClock, world: tuple[Side, Side]) -> Starlette:
    return console_app(db, clock)


@pytest.fixture
async def browser(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as session:
        yield session
