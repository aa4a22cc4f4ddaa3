"""Staff accounts, their server-side sessions and the login attempts throttling counts.

Passwords arrive here already hashed (adapters/staff/passwords.py); session tokens arrive as
their SHA-256. Nothing here commits outside its own short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.models import Organisation
from adapters.db.staff_models import ROLES, LoginAttempt, StaffAccount, StaffSession

CONSOLE_LANGUAGES = ("fr", "nl", "en")


class AccountError(Exception):
    """An account cannot be added or changed; the message says why, for the command line."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    organisation_id: int
    organisation_name: str
    email: str
    role: str
    language: str
    password_hash: str


@dataclass(frozen=True, slots=True)
class LoggedIn:
    account: Account
    session_id: int
    csrf_token: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


class SqlStaffAccounts:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(
        self,
        email: str,
        organisation_code: str,
        role: str,
        password_hash: str,
        language: str,
        now: datetime,
    ) -> Account:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if language not in CONSOLE_LANGUAGES:
            raise AccountError(f"language must be one of {', '.join(CONSOLE_LANGUAGES)}")
        email = normalise_email(email)
        if "@" not in email:
            raise AccountError(f"{email!r} is not an e-mail address")
        try:
            with self._sessions.begin() as db:
                organisation = db.scalar(
                    select(Organisation).where(Organisation.code == organisation_code)
                )
                if organisation is None:
                    known = ", ".join(db.scalars(select(Organisation.code).order_by("code")))
                    raise AccountError(
                        f"no organisation {organisation_code!r} (known: {known or 'none'};"
                        " `passerelle demo` loads the demo ones)"
                    )
                row = StaffAccount(
                    organisation_id=organisation.id,
                    email=email,
                    password_hash=password_hash,
                    role=role,
                    language=language,
                    created_at=now,
                )
                db.add(row)
                db.flush()
                return _account(row, organisation.name)
        except IntegrityError as error:
            raise AccountError(f"an account {email!r} already exists") from error

    def exists(self, email: str) -> bool:
        with self._sessions() as db:
            found = db.scalar(
                select(StaffAccount.id).where(StaffAccount.email == normalise_email(email))
            )
            return found is not None

    def disable(self, email: str, now: datetime) -> None:
        """The account can no longer log in, and its open sessions end now."""
        with self._sessions.begin() as db:
            row = db.scalar(
                select(StaffAccount).where(StaffAccount.email == normalise_email(email))
            )
            if row is None:
                raise AccountError(f"no account {email!r}")
            row.disabled_at = row.disabled_at or now
            db.execute(delete(StaffSession).where(StaffSession.account_id == row.id))

    def active(self, email: str) -> Account | None:
        with self._sessions() as db:
            found = db.execute(
                select(StaffAccount, Organisation.name)
                .join(Organisation, Organisation.id == StaffAccount.organisation_id)
                .where(
                    StaffAccount.email == normalise_email(email),
                    StaffAccount.disabled_at.is_(None),
                )
            ).first()
            return None if found is None else _account(found[0], found[1])

    # Sessions ---------------------------------------------------------------------------------

    def open_session(
        self, account_id: int, token_hash: str, csrf_token: str, now: datetime, ttl: timedelta
    ) -> None:
        with self._sessions.begin() as db:
            db.add(
                StaffSession(
                    token_hash=token_hash,
                    account_id=account_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            # Expired sessions of anyone go now: the table holds live sessions only.
            db.execute(delete(StaffSession).where(StaffSession.expires_at <= now))

    def session(self, token_hash: str, now: datetime) -> LoggedIn | None:
        """The live session of this token: unexpired, of an account still enabled."""
        with self._sessions() as db:
            found = db.execute(
                select(StaffSession, StaffAccount, Organisation.name)
                .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
                .join(Organisation, Organisation.id == StaffAccount.organisation_id)
                .where(
                    StaffSession.token_hash == token_hash,
                    StaffSession.expires_at > now,
                    StaffAccount.disabled_at.is_(None),
                )
            ).first()
            if found is None:
                return None
            session, account, name = found
            return LoggedIn(_account(account, name), session.id, session.csrf_token)

    def close_session(self, token_hash: str) -> None:
        with self._sessions.begin() as db:
            db.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash))

    # Login attempts ---------------------------------------------------------------------------

    def record_attempt(self, email: str, address: str, succeeded: bool, now: datetime) -> None:
        with self._sessions.begin() as db:
            db.add(
                LoginAttempt(
                    email=normalise_email(email)[:254],
                    address=address[:64],
                    succeeded=succeeded,
                    attempted_at=now,
                )
            )

    def failures_since(self, email: str, address: str, since: datetime) -> tuple[int, int]:
        """Failed attempts since ``since``: for this e-mail, and from this address."""
        with self._sessions() as db:

            def count(*where: ColumnElement[bool]) -> int:
                query = (
                    select(func.count())
                    .select_from(LoginAttempt)
                    .where(
                        LoginAttempt.succeeded.is_(False),
                        LoginAttempt.attempted_at >= since,
                        *where,
                    )
                )
                return int(db.scalar(query) or 0)

            return (
                count(LoginAttempt.email == normalise_email(email)),
                count(LoginAttempt.address == address),
            )


def _account(row: StaffAccount, organisation_name: str) -> Account:
    return Account(
        id=row.id,
        organisation_id=row.organisation_id,
        organisation_name=organisation_name,
        email=row.email,
        role=row.role,
        language=row.language,
        password_hash=row.password_hash,
    )
