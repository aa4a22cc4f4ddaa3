"""Settings: clear start-up errors, and development secrets when none are configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.settings import ConfigurationError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "SECRET_KEY",
        "ENCRYPTION_KEY",
        "RASA_URL",
        "DATABASE_URL",
        "RETENTION_DAYS",
        "TELEGRAM_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PASSERELLE_VAR_DIR", str(tmp_path))


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SECRET_KEY", "short", "SECRET_KEY: String should have at least 32 characters"),
        ("ENCRYPTION_KEY", "not-a-key", "ENCRYPTION_KEY: Value error, must be a url-safe"),
        ("RASA_URL", "localhost:5005", "RASA_URL: Value error, must start with http"),
        ("RETENTION_DAYS", "zero", "RETENTION_DAYS: Input should be a valid integer"),
        ("RETENTION_DAYS", "0", "RETENTION_DAYS: Input should be greater than or equal to 1"),
        ("REMINDER_HOURS", "24,soon", "REMINDER_HOURS: Value error, must be a comma-separated"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces in it!", "TELEGRAM_WEBHOOK_SECRET: Value error"),
        (
            "TELEGRAM_WEBHOOK_URL",
            "https://x.example/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET must be set",
        ),
    ],
)
def test_a_bad_value_names_the_variable_and_the_problem(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=problem):
        load_settings()


def test_development_secrets_are_created_once_and_reused(tmp_path: Path) -> None:
    first = load_settings()
    second = load_settings()
    assert first.secret_key == second.secret_key
    assert first.encryption_key == second.encryption_key
    secrets_file = tmp_path / "dev-secrets.env"
    assert secrets_file.stat().st_mode & 0o777 == 0o600


def test_configured_secrets_are_used_as_they_are(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("ENCRYPTION_KEY", "A" * 43 + "=")
    settings = load_settings()
    assert settings.secret_key == "s" * 40
    assert not (tmp_path / "dev-secrets.env").exists()


POSTGRES = "postgresql+psycopg://passerelle@db.example/passerelle"


@pytest.mark.parametrize(
    ("configured", "named"),
    [
        ({}, "SECRET_KEY and ENCRYPTION_KEY must be set"),
        ({"SECRET_KEY": "s" * 40}, "ENCRYPTION_KEY must be set"),
        ({"ENCRYPTION_KEY": "A" * 43 + "="}, "SECRET_KEY must be set"),
    ],
)
def test_on_postgresql_no_development_secrets_are_created_the_missing_ones_are_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, configured: dict[str, str], named: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    for name, value in configured.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"{named} when DATABASE_URL is PostgreSQL"):
        load_settings()
    assert not (tmp_path / "dev-secrets.env").exists()


def test_passerelle_run_on_postgresql_without_secrets_stops_before_serving(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from adapters.cli import app

    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 2
    assert "SECRET_KEY and ENCRYPTION_KEY must be set" in result.output
    assert not (tmp_path / "dev-secrets.env").exists()
