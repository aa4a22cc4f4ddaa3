"""Reading an info week's events from YAML or CSV, checked row by row.

Nothing is imported from a file with a bad row: every problem is reported with the file, the
line and the reason (``events.yml:14: capacity must be a whole number from 1 to 5000``), so
the person preparing the file fixes them all in one go. Re-importing the same file changes
nothing (events are matched by ``id``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.infoweek.model import AUDIENCES, InfoEvent, InfoWeek

BRUSSELS = ZoneInfo("Europe/Brussels")
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_CAPACITY = 5000
TEXT_LANGUAGES = ("fr", "nl", "en")
# The pre-qualification's regions (flows/prequalification.yml, Q1) of the cities people name.
CITY_REGIONS = {
    "bruxelles": "BXL",
    "brussel": "BXL",
    "brussels": "BXL",
    "anderlecht": "BXL",
    "schaerbeek": "BXL",
    "molenbeek": "BXL",
    "antwerpen": "ANT",
    "anvers": "ANT",
    "gent": "GNT",
    "gand": "GNT",
    "liège": "LGE",
    "liege": "LGE",
    "luik": "LGE",
    "charleroi": "CRL",
    "namur": "WAL_OTHER",
    "namen": "WAL_OTHER",
    "mons": "WAL_OTHER",
    "leuven": "VLA_OTHER",
    "mechelen": "VLA_OTHER",
    "eupen": "DG",
}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportRefused(ValueError):
    """The file has bad rows; nothing of it is imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class EventFile:
    info_week: InfoWeek | None
    events: tuple[tuple[int, InfoEvent], ...]  # (line, event)


@dataclass(slots=True)
class _Rules:
    file: str
    organisations: Collection[str]
    languages: Collection[str]
    week: InfoWeek | None
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, line: int, reason: str) -> None:
        self.problems.append(Problem(self.file, line, reason))


def read_event_file(
    path: Path,
    organisations: Collection[str],
    languages: Collection[str],
    week: InfoWeek | None = None,
) -> EventFile:
    """The info week and events of ``path`` (``.yml``/``.yaml`` or ``.csv``); raises
    ImportRefused listing every bad row. ``week``: the info week CSV rows belong to."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rules = _Rules(path.name, organisations, languages, week)
        rows = _csv_rows(text, rules)
    else:
        rules = _Rules(path.name, organisations, languages, week)
        rows = _yaml_rows(text, rules)
    events = _events(rows, rules)
    if rules.week is None and not rules.problems:
        rules.refuse(1, "no info_week: give one in the file (YAML) or with --info-week")
    if rules.problems:
        raise ImportRefused(rules.problems)
    return EventFile(rules.week, tuple(events))


# YAML ----------------------------------------------------------------------------------------


def _yaml_rows(text: str, rules: _Rules) -> list[tuple[int, dict[str, Any]]]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        rules.refuse(mark.line + 1 if mark else 1, f"not valid YAML: {error}")
        return []
    if not isinstance(data, dict) or root is None or not isinstance(root, yaml.MappingNode):
        rules.refuse(1, "the file must have `info_week:` and `events:`")
        return []
    nodes = {key.value: value for key, value in root.value}
    if "info_week" in data:
        rules.week = _week(data["info_week"], nodes["info_week"].start_mark.line + 1, rules)
    events = data.get("events")
    if not isinstance(events, list):
        rules.refuse(1, "`events:` must be a list")
        return []
    lines = [item.start_mark.line + 1 for item in nodes["events"].value]
    return list(zip(lines, events, strict=True))


def _week(raw: Any, line: int, rules: _Rules) -> InfoWeek | None:
    if not isinstance(raw, dict):
        rules.refuse(line, "info_week must have id, starts, ends and title")
        return None
    week_id = str(raw.get("id") or "")
    starts, ends = _day(raw.get("starts")), _day(raw.get("ends"))
    title = _texts(raw.get("title"))
    if not EVENT_ID.fullmatch(week_id):
        rules.refuse(line, "info_week id: 1-40 of a-z, 0-9 and -")
    elif starts is None or ends is None or ends < starts:
        rules.refuse(line, "info_week starts and ends must be dates (YYYY-MM-DD), in order")
    elif not any(title.get(code) for code in TEXT_LANGUAGES):
        rules.refuse(line, "info_week title: at least one of fr, nl, en")
    else:
        return InfoWeek(week_id, title, starts.isoformat(), ends.isoformat())
    return None


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# CSV -----------------------------------------------------------------------------------------

CSV_LISTS = ("languages", "audience")


def _csv_rows(text: str, rules: _Rules) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[tuple[int, dict[str, Any]]] = []
    for row in reader:
        raw: dict[str, Any] = {"title": {}, "description": {}}
        for column, value in row.items():
            if column is None:
                continue
            cell = (value or "").strip()
            kind, _, lang = column.strip().partition("_")
            if kind in ("title", "description") and lang:
                if cell:
                    raw[kind][lang] = cell
            elif column in CSV_LISTS:
                raw[column] = [part for part in re.split(r"[\s;,]+", cell) if part]
            elif cell:
                raw[column.strip()] = cell
        rows.append((reader.line_num, raw))
    return rows


# Rows ----------------------------------------------------------------------------------------


def _events(
    rows: Iterable[tuple[int, dict[str, Any]]], rules: _Rules
) -> list[tuple[int, InfoEvent]]:
    seen: dict[str, int] = {}
    events = []
    for line, raw in rows:
        if not isinstance(raw, dict):
            rules.refuse(line, "an event must be a mapping of its fields")
            continue
        reason = _event_problem(raw, rules)
        event_id = str(raw.get("id", ""))
        if reason is None and event_id in seen:
            reason = f"id {event_id!r} is already used on line {seen[event_id]}"
        if reason is not None:
            rules.refuse(line, reason)
            continue
        seen[event_id] = line
        events.append((line, _event(raw)))
    return events


def _event_problem(raw: Mapping[str, Any], rules: _Rules) -> str | None:
    event_id = str(raw.get("id", ""))
    if not EVENT_ID.fullmatch(event_id):
        return "id must be 1-40 of a-z, 0-9 and - (it goes in links and buttons)"
    title = _texts(raw.get("title"))
    if not any(title.get(code) for code in TEXT_LANGUAGES):
        return "title needs at least one of fr, nl, en"
    if str(raw.get("organisation", "")) not in rules.organisations:
        known = ", ".join(sorted(rules.organisations))
        return f"organisation {raw.get('organisation')!r} is not one of: {known}"
    online = _flag(raw.get("online"))
    if online is None:
        return "online must be true or false"
    if online and not str(raw.get("link", "")).startswith("https://"):
        return "an online event needs a link (https://...), sent the day before"
    if not online and not raw.get("city"):
        return "give a city, or online: true"
    starts, ends = _moment(raw.get("starts")), _moment(raw.get("ends"))
    if starts is None or ends is None:
        return "starts and ends must be date and time, e.g. 2027-03-08T10:00 (Brussels)"
    if ends <= starts:
        return "ends must be after starts"
    week = rules.week
    day = starts.astimezone(BRUSSELS).date().isoformat()
    if week is not None and not week.starts <= day <= week.ends:
        return f"starts on {day}, outside the info week ({week.starts} to {week.ends})"
    languages = _list(raw.get("languages"))
    if not languages or any(code not in rules.languages for code in languages):
        return f"languages must be a list of: {', '.join(rules.languages)}"
    capacity = raw.get("capacity")
    if not str(capacity).isdigit() or not 1 <= int(str(capacity)) <= MAX_CAPACITY:
        return f"capacity must be a whole number from 1 to {MAX_CAPACITY}"
    unknown = [a for a in _list(raw.get("audience")) if a not in AUDIENCES]
    if unknown:
        return f"audience {unknown} is not among: {', '.join(AUDIENCES)}"
    return None


def _event(raw: Mapping[str, Any]) -> InfoEvent:
    online = bool(_flag(raw.get("online")))
    city = None if online else str(raw["city"])
    starts, ends = _moment(raw["starts"]), _moment(raw["ends"])
    assert starts is not None
    assert ends is not None
    region = raw.get("region") or (CITY_REGIONS.get(city.casefold()) if city else None)
    return InfoEvent(
        id=str(raw["id"]),
        title=_texts(raw.get("title")),
        description=_texts(raw.get("description")),
        organisation=str(raw["organisation"]),
        city=city,
        region=str(region) if region else None,
        place=str(raw["place"]) if raw.get("place") else None,
        online=online,
        starts_at=starts,
        ends_at=ends,
        languages=tuple(_list(raw.get("languages"))),
        capacity=int(str(raw["capacity"])),
        audience=tuple(_list(raw.get("audience"))),
        link=str(raw["link"]) if online else None,
    )


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s;,]+", value) if part]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def _flag(value: Any) -> bool | None:
    if value is None or value is False or value == "":
        return False
    if value is True:
        return True
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "oui", "ja"):
        return True
    if text in ("false", "no", "0", "non", "nee"):
        return False
    return None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        local = value
    else:
        try:
            local = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=BRUSSELS)
    return local.astimezone(ZoneInfo("UTC"))
