"""``passerelle events import`` and the demo info week: YAML and CSV, idempotent by id, and a
file with a bad row refused whole, with file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from adapters.cli import app
from adapters.db.database import make_engine
from adapters.db.infoweek_models import InfoEventRow
from adapters.db.infoweek_store import import_event_file
from bot.booking.model import REFERENCE_ALPHABET
from bot.infoweek.importing import ImportRefused
from bot.infoweek.model import CODE_ALPHABET
from tests.conftest import DATABASES
from tests.support import builders

LANGUAGES = builders.catalog().codes
WEEK = """info_week: {id: iw-test, starts: 2027-03-08, ends: 2027-03-12,
            title: {fr: "Semaine test", nl: "Testweek", en: "Test week"}}
events:
"""
GOOD = """  - id: bxl-one
    title: {fr: "Un", en: "One"}
    organisation: microstart
    city: Bruxelles
    starts: 2027-03-08T10:00
    ends: 2027-03-08T12:00
    languages: [fr, nl]
    capacity: 20
"""


def events_in(db: Engine) -> int:
    with db.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(InfoEventRow)) or 0)


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_the_demo_week_has_fifteen_events_in_six_cities_and_imports_once(db: Engine) -> None:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    builders.load_demo_week(db)
    with db.connect() as connection:
        rows = connection.execute(select(InfoEventRow)).all()
    assert len(rows) == 15
    assert {row.city for row in rows if row.city} == {
        "Bruxelles",
        "Liège",
        "Namur",
        "Charleroi",
        "Antwerpen",
        "Gent",
    }
    assert sum(row.online for row in rows) == 1
    nearly_full = next(row for row in rows if row.code == "lge-microcredit-1")
    assert nearly_full.capacity - nearly_full.held == 3
    full = next(row for row in rows if row.code == "gnt-starters-1")
    assert full.held == full.capacity
    store = builders.infoweek_store(db)
    again = import_event_file(store, builders.CONTENT_DIR / "demo" / "info_week.yml", LANGUAGES)
    assert again == {"new": 0, "changed": 0, "unchanged": 15}


def test_a_bad_row_refuses_the_whole_file_with_file_line_and_reason(
    db: Engine, tmp_path: Path
) -> None:
    builders.load_demo_data(db)
    path = tmp_path / "week.yml"
    bad = GOOD.replace("bxl-one", "bxl-two").replace("capacity: 20", "capacity: lots")
    path.write_text(WEEK + GOOD + bad + GOOD.replace("microstart", "nobody"), encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_event_file(builders.infoweek_store(db), path, LANGUAGES)
    lines = [(p.file, p.line) for p in refused.value.problems]
    assert lines == [("week.yml", 12), ("week.yml", 20)]
    assert "capacity must be a whole number" in refused.value.problems[0].reason
    assert "organisation 'nobody'" in refused.value.problems[1].reason
    assert events_in(db) == 0


def test_rows_are_checked_for_what_people_would_be_told(db: Engine, tmp_path: Path) -> None:
    builders.load_demo_data(db)
    cases = {
        "2027-03-08T": "2027-04-01T",  # outside the week
        "city: Bruxelles": "online: true",  # online needs a link
        "languages: [fr, nl]": "languages: [fr, xx]",
        "ends: 2027-03-08T12:00": "ends: 2027-03-08T09:00",
    }
    reasons = []
    for before, after in cases.items():
        path = tmp_path / "one.yml"
        path.write_text(WEEK + GOOD.replace(before, after), encoding="utf-8")
        with pytest.raises(ImportRefused) as refused:
            import_event_file(builders.infoweek_store(db), path, LANGUAGES)
        reasons.append(refused.value.problems[0].reason)
    assert "outside the info week" in reasons[0]
    assert "needs a link" in reasons[1]
    assert reasons[2].startswith("languages must be")
    assert reasons[3] == "ends must be after starts"


def test_a_csv_adds_events_to_the_latest_week_and_a_second_import_changes_nothing(
    db: Engine, tmp_path: Path
) -> None:
    builders.load_demo_data(db)
    builders.load_demo_week(db)
    path = tmp_path / "more.csv"
    path.write_text(
        "id,title_fr,title_nl,organisation,city,starts,ends,languages,capacity,audience\n"
        "nam-two,Deux,Twee,interlab,Namur,2027-03-12T10:00,2027-03-12T11:00,fr nl,8,women\n",
        encoding="utf-8",
    )
    store = builders.infoweek_store(db)
    assert import_event_file(store, path, LANGUAGES) == {"new": 1, "changed": 0, "unchanged": 0}
    assert import_event_file(store, path, LANGUAGES)["unchanged"] == 1
    event = builders.infoweek_store(db).week(None)
    assert event is not None
    assert event.id == "iw-2027"
    assert events_in(db) == 16
    path.write_text(path.read_text() + "bad id!,X,,interlab,Namur,x,y,fr,1,\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_event_file(store, path, LANGUAGES)
    assert [(p.file, p.line) for p in refused.value.problems] == [("more.csv", 3)]


def test_the_command_line_prints_every_problem_and_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert CliRunner().invoke(app, ["demo"]).exit_code == 0
    path = tmp_path / "week.yml"
    path.write_text(WEEK + GOOD.replace("capacity: 20", "capacity: 0"), encoding="utf-8")
    result = CliRunner().invoke(app, ["events", "import", str(path)])
    assert result.exit_code == 1
    assert "week.yml:4: capacity must be a whole number from 1 to 5000" in result.output
    assert "nothing imported" in result.output
    path.write_text(WEEK + GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'passerelle.sqlite3'}")
    try:
        assert events_in(engine) == 16  # the demo's 15 and this one
    finally:
        engine.dispose()


def test_sign_up_codes_use_the_booking_alphabet() -> None:
    assert CODE_ALPHABET == REFERENCE_ALPHABET
