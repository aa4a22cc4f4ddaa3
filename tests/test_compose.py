"""docker-compose.yml as docker-compose reads it (Debian's, installed by `make test`; no
container engine needed): complete with its variables, stopped naming each missing one, and
the deployment's rules in the resolved file. The Dockerfile's rules are read from the file."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.settings import PROJECT_DIR

COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
REQUIRED = {
    "POSTGRES_PASSWORD": "pw-url-safe",
    "SECRET_KEY": "s" * 64,
    "ENCRYPTION_KEY": "A" * 43 + "=",
    "RASA_TOKEN": "rasa-token-1234567890",
    "PUBLIC_BASE_URL": "https://passerelle.example.org",
}


def _compose(
    tmp_path: Path, variables: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: scripts/ensure-docker-compose installs it")
    empty = tmp_path / "empty.env"  # no .env of the checkout leaks into the test
    empty.touch()
    return subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), "--env-file", str(empty), "config", *args],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **variables},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_required_variables_are_exactly_the_secrets_and_the_public_address() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert required == set(REQUIRED)


def test_with_every_variable_set_the_file_is_valid(tmp_path: Path) -> None:
    result = _compose(tmp_path, REQUIRED, "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_each_missing_variable_stops_docker_compose_naming_it(
    tmp_path: Path, missing: str
) -> None:
    variables = {name: value for name, value in REQUIRED.items() if name != missing}
    result = _compose(tmp_path, variables, "-q")
    assert result.returncode != 0
    assert f"set {missing} (" in result.stderr


@pytest.fixture
def resolved(tmp_path: Path) -> dict[str, Any]:
    result = _compose(tmp_path, REQUIRED)
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
    return services


def test_the_services_and_their_order(resolved: dict[str, Any]) -> None:
    assert set(resolved) == {"postgres", "migrate", "rasa", "bot"}
    assert resolved["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("rasa", "bot"):
        needs = resolved[name]["depends_on"]["migrate"]
        assert needs == {"condition": "service_completed_successfully"}
    assert resolved["migrate"]["command"] == ["passerelle", "migrate"]
    assert "pg_isready" in " ".join(resolved["postgres"]["healthcheck"]["test"])
    assert resolved["postgres"]["volumes"][0].startswith("postgres-data:")


def test_the_app_gets_its_secrets_and_leaves_migrations_to_the_migrate_service(
    resolved: dict[str, Any],
) -> None:
    for name in ("bot", "migrate"):
        environment = resolved[name]["environment"]
        assert environment["SECRET_KEY"] == REQUIRED["SECRET_KEY"]
        assert environment["ENCRYPTION_KEY"] == REQUIRED["ENCRYPTION_KEY"]
        assert environment["DATABASE_URL"].startswith("postgresql+psycopg://passerelle:pw-url")
        assert environment["RASA_URL"] == "http://rasa:5005"
        assert environment["PASSERELLE_MIGRATE"] == "0"
    assert resolved["bot"]["deploy"]["replicas"] == 2


def test_rasa_is_the_official_image_with_the_trained_model_read_only(
    resolved: dict[str, Any],
) -> None:
    rasa = resolved["rasa"]
    assert rasa["image"] == "rasa/rasa:3.6.21"
    command = rasa["command"]
    assert command[:2] == ["run", "--enable-api"]
    assert command[command.index("--auth-token") + 1] == REQUIRED["RASA_TOKEN"]
    assert rasa["environment"]["RASA_TELEMETRY_ENABLED"] == "false"
    assert any(volume.endswith("/models:/app/models:ro") for volume in rasa["volumes"])
    assert "healthcheck" in rasa


def test_ports_are_published_on_the_loopback_only(resolved: dict[str, Any]) -> None:
    published = [port for service in resolved.values() for port in service.get("ports", [])]
    assert published, "the bot is reachable by the reverse proxy"
    assert all(str(port).startswith("127.0.0.1:") for port in published)


def _final_stage(dockerfile: str) -> str:
    return dockerfile.split("\nFROM ")[-1]


def test_the_image_installs_the_lock_with_hashes_and_runs_unprivileged() -> None:
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes requirements/app.txt" in dockerfile
    final = _final_stage(dockerfile)
    assert "apt-get" not in final, "no build tools in the final image"
    [user] = re.findall(r"^USER (\S+)$", final, re.MULTILINE)
    assert user not in {"root", "0"}
    assert "HEALTHCHECK" in final
    assert "/healthz" in final


def test_what_the_image_copies_exists_and_is_not_ignored() -> None:
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    ignored = [
        line.strip()
        for line in (PROJECT_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE)
    sources = [source for line in copied for source in line.split()]
    assert {"bot", "adapters", "flows", "nlu_data", "requirements/app.txt"} <= set(sources)
    for source in sources:
        assert (PROJECT_DIR / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
