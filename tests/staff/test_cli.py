"""``passerelle staff add|disable`` and the demo accounts, on the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from adapters.cli import app
from adapters.db.database import make_engine, make_sessions
from adapters.db.staff_accounts import SqlStaffAccounts
from adapters.db.staff_models import StaffAccount
from adapters.staff.passwords import verify_password


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PASSERELLE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def accounts(var_dir: Path) -> list[StaffAccount]:
    engine = make_engine(f"sqlite:///{var_dir / 'passerelle.sqlite3'}")
    try:
        with make_sessions(engine)() as db:
            return list(db.scalars(select(StaffAccount).order_by(StaffAccount.email)))
    finally:
        engine.dispose()


def test_demo_creates_one_coordinator_per_organisation_and_prints_passwords_once(
    var_dir: Path,
) -> None:
    code, first = run("demo")
    assert code == 0
    printed = [line for line in first.splitlines() if "password:" in line]
    assert len(printed) == 3
    email, password = printed[0].split()[4], printed[0].split()[6]
    found = next(a for a in accounts(var_dir) if a.email == email)
    assert found.role == "coordinator"
    assert verify_password(found.password_hash, password)
    code, again = run("demo")
    assert code == 0
    assert "password:" not in again


def test_staff_add_reads_the_password_from_stdin_and_disable_stops_it(var_dir: Path) -> None:
    assert run("demo")[0] == 0
    code, output = run(
        "staff",
        "add",
        "--email",
        "Amina@Example.org",
        "--org",
        "saamo_hub",
        "--role",
        "adviser",
        "--language",
        "nl",
        stdin="a long enough password\n",
    )
    assert code == 0, output
    added = next(a for a in accounts(var_dir) if a.email == "amina@example.org")
    assert (added.role, added.language) == ("adviser", "nl")
    assert verify_password(added.password_hash, "a long enough password")

    assert run("staff", "disable", "--email", "amina@example.org")[0] == 0
    engine = make_engine(f"sqlite:///{var_dir / 'passerelle.sqlite3'}")
    try:
        assert SqlStaffAccounts(make_sessions(engine)).active("amina@example.org") is None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--org", "microstart", "--role", "boss"], "a long enough password", "role must be"),
        (["--org", "nowhere", "--role", "adviser"], "a long enough password", "no organisation"),
        (["--org", "microstart", "--role", "adviser"], "short", "at least 12"),
        (["--org", "microstart", "--role", "adviser"], "", "no password"),
    ],
)
def test_staff_add_refuses_with_a_reason(
    var_dir: Path, args: list[str], stdin: str, message: str
) -> None:
    assert run("demo")[0] == 0
    code, output = run("staff", "add", "--email", "x@example.org", *args, stdin=stdin)
    assert code == 1
    assert message in output
