"""Re-records the expectations of transcript cases with the real engine, for review.

    .venv/bin/python -m tests.transcripts.record prequalification "case name" ...

Only the named cases are rewritten (all cases of the file when none is named); what the person
sends is kept. Read the diff (`git diff tests/transcripts`) before committing: a recording
is a proposal, the reviewed file is the test.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from adapters.db.database import make_engine, migrate
from tests.support.builders import load_demo_data, load_demo_week, turn_handler
from tests.support.stubs import ScriptedNlu, StepClock
from tests.transcripts.runner import CHANNEL, TRANSCRIPTS_DIR, play

INPUT_KEYS = ("staff", "text", "intent", "payload", "press", "lang", "after_hours")


async def record(
    turns: list[dict[str, Any]], database_url: str, channel: str = CHANNEL
) -> list[dict[str, Any]]:
    engine = make_engine(database_url)
    migrate(database_url)
    load_demo_data(engine)
    load_demo_week(engine)
    intents = {str(t["text"]): t["intent"] for t in turns if "intent" in t}
    clock = StepClock()
    handler = turn_handler(engine, ScriptedNlu(intents), clock)
    previous: list[Any] = []
    recorded = []
    for turn in turns:
        clock.current += timedelta(hours=float(turn.get("after_hours", 0)))
        previous = list(await play(handler, turn, previous, channel))
        expect = []
        for message in previous:
            item: dict[str, Any] = {"text": message.text}
            if message.buttons:
                item["buttons"] = [button.title for button in message.buttons]
            expect.append(item)
        recorded.append({**{k: turn[k] for k in INPUT_KEYS if k in turn}, "expect": expect})
    engine.dispose()
    return recorded


def main(file: str, names: list[str]) -> None:
    path = TRANSCRIPTS_DIR / f"{file}.yml"
    source = path.read_text(encoding="utf-8")
    header = ""
    for line in source.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        header += line
    document = yaml.safe_load(source)
    with tempfile.TemporaryDirectory() as directory:
        for index, case in enumerate(document["cases"]):
            if names and case["name"] not in names:
                continue
            url = f"sqlite:///{Path(directory) / f'case{index}.sqlite3'}"
            channel = case.get("channel", CHANNEL)
            case["turns"] = asyncio.run(record(case["turns"], url, channel))
            print(f"recorded: {case['name']}")
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
