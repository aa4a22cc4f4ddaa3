"""The locks pin what is tested: they satisfy pyproject.toml, carry hashes, and are installed."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from adapters.rasa_process import RASA_VERSION
from adapters.settings import PROJECT_DIR

REQUIREMENTS = PROJECT_DIR / "requirements"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def pins(lock: Path) -> dict[str, tuple[str, Marker | None, int]]:
    """name -> (version, environment marker, number of hashes), from a hashed lock file."""
    found: dict[str, tuple[str, Marker | None, int]] = {}
    current = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        matched = PIN.match(line)
        if matched:
            current = canonicalize_name(matched.group(1))
            marker = Marker(matched.group(3)) if matched.group(3) else None
            found[current] = (matched.group(2), marker, 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = found[current]
            found[current] = (version, marker, hashes + 1)
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in lines]


def test_the_app_lock_satisfies_every_range_of_pyproject() -> None:
    locked = pins(REQUIREMENTS / "app.txt")
    stale = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        if name not in locked:
            stale.append(f"{requirement} is not in requirements/app.txt")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            stale.append(f"{requirement} does not admit the locked {locked[name][0]}")
    assert not stale, "run `make lock`: " + "; ".join(stale)


@pytest.mark.parametrize("lock", ["app.txt", "rasa.txt"])
def test_every_locked_package_carries_hashes(lock: str) -> None:
    locked = pins(REQUIREMENTS / lock)
    assert len(locked) > 20
    assert [name for name, (_v, _m, hashes) in locked.items() if hashes == 0] == []


def test_the_rasa_lock_is_rasa_of_this_project() -> None:
    locked = pins(REQUIREMENTS / "rasa.txt")
    assert locked["rasa"][0] == RASA_VERSION
    assert (REQUIREMENTS / "rasa.in").read_text().split() == [f"rasa=={RASA_VERSION}"]


def test_this_environment_is_the_locked_one() -> None:
    # Babel's locale data (CLDR) is in the transcripts' dates: a different Babel changes them.
    different = []
    for name, (version, marker, _hashes) in pins(REQUIREMENTS / "app.txt").items():
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            different.append(f"{name} missing")
            continue
        if installed != version:
            different.append(f"{name} {installed} instead of {version}")
    assert different == [], "run `make setup`: " + ", ".join(different)
