"""Loads the demo organisations, places, staff and availability (``passerelle demo``).

Idempotent: organisations and places are matched by code, staff by name; running it twice
changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.infoweek_store import SqlInfoWeekStore, import_event_file
from adapters.db.models import (
    Availability,
    Organisation,
    Place,
    StaffAbsence,
    StaffMember,
)
from bot.booking.slots import BRUSSELS
from bot.i18n.languages import load_languages


def load_demo(sessions: sessionmaker[Session], path: Path) -> dict[str, int]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    with sessions.begin() as db:
        organisations = {o["code"]: _organisation(db, o) for o in data["organisations"]}
        places = {p["code"]: _place(db, p, organisations) for p in data["places"]}
        for member in data["staff"]:
            _staff(db, member, organisations, places)
        for holiday in data.get("holidays", []):
            _holiday(db, holiday, organisations)
    return {
        "organisations": len(organisations),
        "places": len(places),
        "staff": len(data["staff"]),
    }


def organisation_codes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(Organisation.code).order_by(Organisation.id)))


def _organisation(db: Session, raw: dict[str, Any]) -> Organisation:
    row = db.scalar(select(Organisation).where(Organisation.code == raw["code"]))
    if row is None:
        row = Organisation(code=raw["code"])
        db.add(row)
    row.name, row.reference_prefix = raw["name"], raw["reference_prefix"]
    db.flush()
    return row


def _place(db: Session, raw: dict[str, Any], organisations: dict[str, Organisation]) -> Place:
    row = db.scalar(select(Place).where(Place.code == raw["code"]))
    if row is None:
        row = Place(code=raw["code"])
        db.add(row)
    row.organisation_id = organisations[raw["organisation"]].id
    row.name, row.city, row.address = raw["name"], raw.get("city"), raw.get("address")
    row.region, row.remote = raw.get("region"), bool(raw.get("remote", False))
    db.flush()
    return row


def _staff(
    db: Session,
    raw: dict[str, Any],
    organisations: dict[str, Organisation],
    places: dict[str, Place],
) -> None:
    row = db.scalar(select(StaffMember).where(StaffMember.display_name == raw["name"]))
    if row is None:
        row = StaffMember(display_name=raw["name"], calendar_token=secrets.token_urlsafe(24))
        db.add(row)
    row.organisation_id = organisations[raw["organisation"]].id
    row.languages, row.appointment_types = list(raw["languages"]), list(raw["appointment_types"])
    db.flush()
    db.execute(delete(Availability).where(Availability.staff_id == row.id))
    for opening in raw["availability"]:
        db.add(
            Availability(
                staff_id=row.id,
                place_id=places[opening["place"]].id,
                weekday=int(opening["weekday"]),
                start_time=time.fromisoformat(opening["from"]),
                end_time=time.fromisoformat(opening["to"]),
                slot_minutes=int(opening["slot_minutes"]),
            )
        )


def _holiday(db: Session, raw: dict[str, Any], organisations: dict[str, Organisation]) -> None:
    organisation = organisations[raw["organisation"]]
    starts = datetime.combine(date.fromisoformat(raw["from"]), time(0), tzinfo=BRUSSELS)
    ends = datetime.combine(date.fromisoformat(raw["to"]), time(0), tzinfo=BRUSSELS)
    exists = db.scalar(
        select(StaffAbsence.id).where(
            StaffAbsence.organisation_id == organisation.id,
            StaffAbsence.staff_id.is_(None),
            StaffAbsence.starts_at == starts,
        )
    )
    if exists is None:
        db.add(
            StaffAbsence(
                organisation_id=organisation.id,
                staff_id=None,
                starts_at=starts,
                ends_at=ends,
                reason=raw.get("reason"),
            )
        )


def load_info_week(store: SqlInfoWeekStore, path: Path) -> dict[str, int]:
    """The demo's coming info week (``flows/demo/info_week.yml``), imported as any file is;
    the organisations of ``appointments.yml`` must be loaded first."""
    codes = [language.code for language in load_languages(path.parent.parent / "languages.yml")]
    counts = import_event_file(store, path, codes)
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for event, places in (data.get("demo_taken") or {}).items():
        store.take_anonymous_places(str(event), int(places))
    return counts
