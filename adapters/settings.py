"""One typed settings class, read from the environment (design.md §3), checked at start-up.

A wrong value stops the program with a message naming the variable and the problem. With no
secrets configured, development secrets are created under ``var/`` and the program says so.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRETS_FILE_NAME = "dev-secrets.env"


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message names the variable and the problem."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", populate_by_name=True)

    var_dir: Path = Field(default=PROJECT_DIR / "var", alias="PASSERELLE_VAR_DIR")
    content_dir: Path = Field(default=PROJECT_DIR / "flows", alias="PASSERELLE_CONTENT_DIR")
    nlu_dir: Path = Field(default=PROJECT_DIR / "nlu_data", alias="PASSERELLE_NLU_DIR")
    models_dir: Path = Field(default=PROJECT_DIR / "models", alias="PASSERELLE_MODELS_DIR")
    rasa_venv: Path = Field(default=PROJECT_DIR / ".venv-rasa", alias="PASSERELLE_RASA_VENV")
    # 0: migrations are run apart (`passerelle migrate`, the compose file's migrate service)
    # and the app only checks the schema is current; the embedded default migrates at start.
    migrate_at_start: bool = Field(default=True, alias="PASSERELLE_MIGRATE")

    database_url: str | None = None
    rasa_url: str | None = None
    rasa_token: str | None = None
    secret_key: Annotated[str, Field(min_length=32)] | None = None
    encryption_key: str | None = None
    telegram_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    whatsapp_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v25.0"
    public_base_url: str = "http://127.0.0.1:8000"
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 180
    default_language: str = "fr"
    webchat_rate_per_minute: Annotated[int, Field(ge=1)] = 30
    # Outgoing e-mail, for telling an organisation of a new handoff (flows/handoff.yml notify)
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    # Appointments: no slot sooner than this many hours, none further than this many days.
    booking_lead_hours: Annotated[int, Field(ge=0, le=24 * 30)] = 12
    booking_horizon_days: Annotated[int, Field(ge=1, le=365)] = 42
    # Hours before an appointment at which reminders are sent, e.g. "24,2".
    reminder_hours: str = "24,2"
    # Info week: how long a place offered from the waiting list waits for Accept or Decline.
    event_offer_hours: Annotated[int, Field(ge=1, le=24 * 7)] = 12
    # For the event links and posters' QR codes: the bot's Telegram username (without @) and
    # the WhatsApp business number people write to (digits, with the country code).
    telegram_bot_username: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{5,32}$")] | None = None
    whatsapp_number: Annotated[str, Field(pattern=r"^[0-9]{8,15}$")] | None = None

    @field_validator("reminder_hours")
    @classmethod
    def _hours_list(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts or not all(part.isdigit() and 0 < int(part) <= 24 * 14 for part in parts):
            raise ValueError("must be a comma-separated list of hours between 1 and 336")
        return value

    @property
    def reminder_hours_list(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.reminder_hours.split(",") if part.strip())

    @field_validator("encryption_key")
    @classmethod
    def _fernet_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(value.encode())
        except (binascii.Error, ValueError) as error:
            raise ValueError("must be a url-safe base64 Fernet key") from error
        if len(raw) != 32:
            raise ValueError("must be a url-safe base64 Fernet key of 32 bytes")
        return value

    @field_validator(
        "rasa_url", "telegram_api_base_url", "telegram_webhook_url", "public_base_url"
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        # Telegram's own rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _telegram_webhook_complete(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set"
            )
        if self.telegram_webhook_url and not self.telegram_token:
            raise ValueError("TELEGRAM_TOKEN must be set when TELEGRAM_WEBHOOK_URL is set")
        if self.whatsapp_token:
            missing = [
                name
                for name, value in (
                    ("WHATSAPP_PHONE_NUMBER_ID", self.whatsapp_phone_number_id),
                    ("WHATSAPP_APP_SECRET", self.whatsapp_app_secret),
                    ("WHATSAPP_VERIFY_TOKEN", self.whatsapp_verify_token),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"{', '.join(missing)} must be set when WHATSAPP_TOKEN is set")
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'passerelle.sqlite3'}"

    @property
    def required_encryption_key(self) -> str:
        if self.encryption_key is None:
            raise ConfigurationError("ENCRYPTION_KEY: not set")
        return self.encryption_key

    @property
    def required_secret_key(self) -> str:
        if self.secret_key is None:
            raise ConfigurationError("SECRET_KEY: not set")
        return self.secret_key


def load_settings(*, create_dev_secrets: bool = True) -> Settings:
    """Read the environment; on error raise ConfigurationError naming each bad variable."""
    try:
        settings = Settings()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            if item["loc"]:
                problems.append(f"{str(item['loc'][0]).upper()}: {item['msg']}")
            else:  # a rule across variables names them in its message
                problems.append(str(item["msg"]).removeprefix("Value error, "))
        raise ConfigurationError("configuration error: " + "; ".join(problems)) from error
    if create_dev_secrets and (settings.secret_key is None or settings.encryption_key is None):
        _refuse_dev_secrets_on_shared_database(settings)
        settings = _with_dev_secrets(settings)
    return settings


def _refuse_dev_secrets_on_shared_database(settings: Settings) -> None:
    # Secrets kept in one process's var/ differ between processes: each would sign with its
    # own key and encrypt and pseudonymise the same person differently in the shared database.
    if not settings.effective_database_url.startswith("postgresql"):
        return
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", settings.secret_key),
            ("ENCRYPTION_KEY", settings.encryption_key),
        )
        if value is None
    ]
    raise ConfigurationError(
        f"configuration error: {' and '.join(missing)} must be set when DATABASE_URL is "
        "PostgreSQL (development secrets are only created for the embedded SQLite database: "
        "processes sharing one database must share its secrets). Create them once, keep them "
        "with the database's backups: SECRET_KEY=$(python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(48))') ENCRYPTION_KEY=$(python3 -c 'import base64, os; "
        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
    )


def _with_dev_secrets(settings: Settings) -> Settings:
    path = settings.var_dir / SECRETS_FILE_NAME
    stored = _read_env_file(path)
    created = False
    if "SECRET_KEY" not in stored:
        stored["SECRET_KEY"] = secrets.token_urlsafe(48)
        created = True
    if "ENCRYPTION_KEY" not in stored:
        stored["ENCRYPTION_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
        created = True
    if created:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in stored.items()), encoding="utf-8")
        path.chmod(0o600)
        log.warning("no secrets configured: created development secrets in %s", path)
    else:
        log.warning("no secrets configured: using development secrets from %s", path)
    return settings.model_copy(
        update={
            "secret_key": settings.secret_key or stored["SECRET_KEY"],
            "encryption_key": settings.encryption_key or stored["ENCRYPTION_KEY"],
        }
    )


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep:
            pairs[name.strip()] = value.strip()
    return pairs
