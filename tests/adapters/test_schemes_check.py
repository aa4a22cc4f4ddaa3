"""`passerelle schemes check`: which scheme facts are older than six months."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from adapters.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _content_with_dates(tmp_path: Path, dates: dict[str, date], default: date) -> Path:
    content = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", content)
    for path in (content / "schemes").glob("[!_]*.yml"):
        verified = dates.get(path.stem, default)
        text = re.sub(
            r"^verified_on: .*$", f"verified_on: {verified.isoformat()}",
            path.read_text(encoding="utf-8"), flags=re.MULTILINE,
        )  # fmt: skip
        path.write_text(text, encoding="utf-8")
    return content


def _check(tmp_path: Path, content: Path) -> tuple[int, str]:
    env = {
        "PASSERELLE_CONTENT_DIR": str(content),
        "PASSERELLE_VAR_DIR": str(tmp_path / "var"),
    }
    result = CliRunner().invoke(app, ["schemes", "check"], env=env)
    return result.exit_code, result.output


def test_recent_facts_need_no_review(tmp_path: Path) -> None:
    content = _content_with_dates(tmp_path, {}, date.today() - timedelta(days=30))
    code, output = _check(tmp_path, content)
    assert code == 0, output
    assert "0 to review" in output


def test_facts_older_than_six_months_are_listed_and_fail_the_check(tmp_path: Path) -> None:
    old = date.today() - timedelta(days=200)
    content = _content_with_dates(tmp_path, {"airbag": old}, date.today())
    code, output = _check(tmp_path, content)
    assert code == 1
    assert f"needs review: airbag (verified on {old.isoformat()}, 200 days ago)" in output
    assert "tremplin" not in output
    assert "1 to review" in output
