"""The database's failures as the core knows them: one translation for every store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from bot.ports import StorageUnavailable


@contextmanager
def storage_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        raise StorageUnavailable(str(error.orig)) from error
