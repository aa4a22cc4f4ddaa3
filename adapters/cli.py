"""The ``passerelle`` command line (design.md §3)."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from adapters.crypto import AddressCipher
from adapters.settings import ConfigurationError, Settings, load_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Passerelle chatbot.")
nlu_app = typer.Typer(no_args_is_help=True, help="Train and evaluate the NLU model.")
app.add_typer(nlu_app, name="nlu")
flows_app = typer.Typer(no_args_is_help=True, help="Check the flows and draw their diagrams.")
app.add_typer(flows_app, name="flows")


def _say(line: str) -> None:
    print(f"passerelle: {line}", flush=True)


def _settings(*, create_dev_secrets: bool = True) -> Settings:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and Rasa's token travels in the query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return load_settings(create_dev_secrets=create_dev_secrets)
    except ConfigurationError as problem:
        print(f"passerelle: {problem}", file=sys.stderr)
        raise typer.Exit(2) from problem


def _ensure_model(settings: Settings) -> None:
    from adapters.nlu_training import default_cache_dir, train_if_needed
    from adapters.rasa_process import RasaSetupError

    try:
        train_if_needed(
            settings.rasa_venv,
            settings.nlu_dir,
            settings.models_dir,
            _say,
            log_path=settings.var_dir / "log" / "rasa-train.log",
            cache_dir=default_cache_dir(),
            interactive=sys.stdout.isatty(),
        )
    except RasaSetupError as problem:
        print(f"passerelle: {problem}", file=sys.stderr)
        raise typer.Exit(1) from problem


@app.command()
def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Migrate the database (with PASSERELLE_MIGRATE=0: check it is migrated), start Rasa
    (unless RASA_URL is set) and serve the bot.

    Serves at once: a missing NLU model is trained in the background (see /healthz)."""
    import uvicorn

    from adapters.app import create_app

    settings = _settings()
    _say(f"web chat on http://{host}:{port}/chat  (health: /healthz, readiness: /readyz)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)


@app.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to this version's (Alembic), then exit; running it again
    does nothing. On PostgreSQL replicas started together wait for each other (advisory lock).
    Needs DATABASE_URL only: no secrets, no NLU."""
    from sqlalchemy.exc import SQLAlchemyError

    from adapters.db.database import migrate

    settings = _settings(create_dev_secrets=False)
    try:
        before, after = migrate(settings.effective_database_url)
    except SQLAlchemyError as problem:
        print(f"passerelle: migrate failed: {problem}", file=sys.stderr)
        raise typer.Exit(1) from problem
    if before == after:
        _say(f"database schema already at revision {after}: nothing to do")
    else:
        _say(f"database schema migrated from revision {before or 'none'} to {after}")


@nlu_app.command("train")
def nlu_train() -> None:
    """Train the NLU model from nlu_data/ unless a model for exactly this data exists."""
    started = time.monotonic()
    _ensure_model(_settings())
    _say(f"nlu train done in {time.monotonic() - started:.1f} s")


@nlu_app.command("eval")
def nlu_eval(
    file: Annotated[Path, typer.Option(help='JSONL: {"text"[, "intent", "lang"]} per line')],
    predictions: Annotated[
        Path | None, typer.Option(help="write one prediction per line here")
    ] = None,
) -> None:
    """Run messages through language detection and Rasa as a new contact's first message."""
    from adapters.app import load_settings_content
    from adapters.nlu_eval import Prediction, predict, read_examples, report
    from adapters.nlu_training import model_path
    from adapters.rasa import RasaNlu
    from adapters.rasa_process import RasaServer
    from bot.understanding.language import LanguageDetector

    settings = _settings()
    catalog = load_settings_content(settings).catalog
    detector = LanguageDetector.from_examples(settings.nlu_dir, catalog.languages)
    examples = read_examples(file)
    if settings.rasa_url is None:
        _ensure_model(settings)

    async def evaluate() -> list[Prediction]:
        server = None
        if settings.rasa_url:
            nlu = RasaNlu(settings.rasa_url, settings.rasa_token)
        else:
            model = model_path(settings.models_dir, settings.nlu_dir)
            server = RasaServer(settings.rasa_venv, model, settings.var_dir / "log" / "rasa.log")
            await server.start()
            await server.wait_ready(_say)
            nlu = RasaNlu(server.url, server.token)
        try:
            return await predict(examples, detector, nlu, catalog.codes, catalog.default_language)
        finally:
            await nlu.aclose()
            if server is not None:
                await server.stop()

    found = asyncio.run(evaluate())
    if predictions is not None:
        predictions.write_text("".join(p.to_json() + "\n" for p in found), encoding="utf-8")
        _say(f"wrote {len(found)} predictions to {predictions}")
    report(found, _say)


@flows_app.command("check")
def flows_check() -> None:
    """Validate every flow against the texts, the NLU data and the registered actions, and
    the features against each other."""
    from adapters.composition import BOOKING_LINKS, load_settings_content
    from bot.engine.registry import RegistryError
    from bot.features import build_engine
    from bot.flows.loader import FlowError
    from bot.i18n.catalog import CatalogError

    settings = _settings()
    try:
        content = load_settings_content(settings)
        build_engine(content, settings.retention_days, BOOKING_LINKS)
    except (FlowError, CatalogError, RegistryError) as problems:
        print(problems, file=sys.stderr)
        raise typer.Exit(1) from problems
    _say(f"{len(content.flows)} flow(s) and {len(content.catalog.codes)} languages are valid")


@flows_app.command("diagram")
def flows_diagram() -> None:
    """Write flows/<id>.mmd, the Mermaid diagram of each flow."""
    from adapters.app import load_settings_content
    from bot.flows.diagram import mermaid

    settings = _settings()
    for flow in load_settings_content(settings).flows.values():
        target = settings.content_dir / f"{flow.id}.mmd"
        target.write_text(mermaid(flow, f"{flow.id}.yml"), encoding="utf-8")
        _say(f"wrote {target.name}")


schemes_app = typer.Typer(no_args_is_help=True, help="The support scheme catalogue.")
app.add_typer(schemes_app, name="schemes")


@schemes_app.command("check")
def schemes_check(max_age_days: int = 183) -> None:
    """List schemes whose facts were verified more than six months ago (to review)."""
    from datetime import date

    from adapters.app import load_settings_content

    catalogue = load_settings_content(_settings()).schemes
    stale = catalogue.stale(date.today(), max_age_days)
    for scheme in stale:
        age = (date.today() - scheme.verified_on).days
        print(f"needs review: {scheme.id} (verified on {scheme.verified_on}, {age} days ago)")
    _say(f"{len(catalogue.schemes)} schemes, {len(stale)} to review")
    if stale:
        raise typer.Exit(1)


@app.command()
def demo() -> None:
    """Load demo organisations, places, staff, opening hours and one console account per
    organisation (idempotent; new accounts' passwords are printed once)."""
    from adapters.db.database import make_engine, make_sessions, migrate
    from adapters.db.demo import load_demo, load_info_week, organisation_codes
    from adapters.db.infoweek_store import SqlInfoWeekStore
    from adapters.db.staff_accounts import SqlStaffAccounts
    from adapters.staff.accounts_cli import demo_accounts

    settings = _settings()
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        counts = load_demo(
            make_sessions(engine), settings.content_dir / "demo" / "appointments.yml"
        )
        accounts = demo_accounts(
            SqlStaffAccounts(make_sessions(engine)), organisation_codes(engine)
        )
        store = SqlInfoWeekStore(
            make_sessions(engine), AddressCipher(settings.required_encryption_key)
        )
        events = load_info_week(store, settings.content_dir / "demo" / "info_week.yml")
    finally:
        engine.dispose()
    _say("demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    _say(f"demo info week: {sum(events.values())} events ({_counted(events)})")
    for email, password in accounts:
        _say(f"staff console account {email}  password: {password}  (shown once)")
    if accounts:
        _say(f"log in on {settings.public_base_url}/staff/login")


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


events_app = typer.Typer(no_args_is_help=True, help="The info week's events.")
app.add_typer(events_app, name="events")


@events_app.command("import")
def events_import(
    file: Annotated[Path, typer.Argument(help="a YAML or CSV file of events")],
    info_week: Annotated[
        str | None, typer.Option(help="the info week of a CSV's events (default: the latest)")
    ] = None,
) -> None:
    """Import events (idempotent by id). A bad row refuses the whole file: every problem is
    printed with file, line and reason, and nothing is imported."""
    from adapters.db.database import make_engine, make_sessions, migrate
    from adapters.db.infoweek_store import SqlInfoWeekStore, import_event_file
    from bot.i18n.languages import load_languages
    from bot.infoweek.importing import ImportRefused

    settings = _settings()
    if not file.is_file():
        _say(f"{file}: no such file")
        raise typer.Exit(2)
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    codes = [language.code for language in load_languages(settings.content_dir / "languages.yml")]
    try:
        store = SqlInfoWeekStore(
            make_sessions(engine), AddressCipher(settings.required_encryption_key)
        )
        counts = import_event_file(store, file, codes, info_week)
    except ImportRefused as refused:
        for problem in refused.problems:
            _say(str(problem))
        _say(f"{file}: nothing imported ({len(refused.problems)} problem(s))")
        raise typer.Exit(1) from refused
    except LookupError as problem:
        _say(str(problem))
        raise typer.Exit(1) from problem
    finally:
        engine.dispose()
    _say(f"{file}: imported ({_counted(counts)})")


staff_app = typer.Typer(no_args_is_help=True, help="Accounts of the staff console (/staff).")
app.add_typer(staff_app, name="staff")


@staff_app.command("add")
def staff_add(
    email: Annotated[str, typer.Option(help="the login, e.g. amina@microstart.be")],
    org: Annotated[str, typer.Option(help="organisation code, e.g. microstart")],
    role: Annotated[str, typer.Option(help="coordinator or adviser")],
    language: Annotated[str, typer.Option(help="the console's language: fr, nl or en")] = "fr",
) -> None:
    """Add a staff account; the password is read from stdin (one line, 12 characters or more)."""
    from adapters.staff.accounts_cli import add_account

    _run_staff(lambda settings: add_account(settings, email, org, role, language, sys.stdin))


@staff_app.command("disable")
def staff_disable(email: Annotated[str, typer.Option(help="the account's e-mail")]) -> None:
    """Disable an account: it can no longer log in and its open sessions end now."""
    from adapters.staff.accounts_cli import disable_account

    _run_staff(lambda settings: disable_account(settings, email))


def _run_staff(command: Callable[[Settings], str]) -> None:
    from adapters.db.staff_accounts import AccountError
    from adapters.staff.passwords import WeakPassword

    try:
        _say(command(_settings()))
    except (AccountError, WeakPassword) as problem:
        print(f"passerelle: {problem}", file=sys.stderr)
        raise typer.Exit(1) from problem


bookings_app = typer.Typer(no_args_is_help=True, help="Appointments booked by people.")
app.add_typer(bookings_app, name="bookings")


@bookings_app.command("list")
def bookings_list(
    org: str | None = typer.Option(None, help="organisation code, e.g. microstart"),
    date_: str | None = typer.Option(None, "--date", help="a day, YYYY-MM-DD (default: today)"),
) -> None:
    """List the bookings of one day, in Brussels time: reference, time, type, place, status."""
    from datetime import date, datetime, time, timedelta

    from adapters.app import build_booking_store
    from adapters.db.database import make_engine
    from bot.booking.slots import BRUSSELS

    settings = _settings()
    try:
        day = date.fromisoformat(date_) if date_ else datetime.now(BRUSSELS).date()
    except ValueError as problem:
        print(f"passerelle: --date: {problem}", file=sys.stderr)
        raise typer.Exit(2) from problem
    since = datetime.combine(day, time(0), tzinfo=BRUSSELS)
    engine = make_engine(settings.effective_database_url)
    try:
        found = build_booking_store(settings, engine).list_bookings(
            org, since, since + timedelta(days=1)
        )
    finally:
        engine.dispose()
    for item in found:
        start = item.starts_at.astimezone(BRUSSELS).strftime("%H:%M")
        interpreter = "  interpreter needed" if item.interpreter_needed else ""
        print(
            f"{item.reference}  {start}  {item.appointment_type:<10} {item.organisation} - "
            f"{item.place}  [{item.language}] {item.status}{interpreter}"
        )
    _say(f"{len(found)} booking(s) on {day.isoformat()}")


@app.command()
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="count what would be erased, erase nothing")
    ] = False,
) -> None:
    """Erase now what the retention job erases every hour: the people silent for
    RETENTION_DAYS (never before their appointment still to come has ended) and the old
    platform message ids; prints the rows per table."""
    from datetime import UTC, datetime, timedelta

    from adapters.db.database import make_engine, make_sessions, migrate
    from adapters.db.erasure import retention

    settings = _settings()
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    now = datetime.now(UTC)
    try:
        with make_sessions(engine).begin() as db:
            erased = retention(
                db, now - timedelta(days=settings.retention_days), now, dry_run=dry_run
            )
    finally:
        engine.dispose()
    verb = "would erase" if dry_run else "erased"
    _say(f"{verb} {erased.contacts} contact(s) silent for {settings.retention_days} days")
    for table, count in erased.counts.items():
        print(f"  {table:<28} {count}", flush=True)


@app.command()
def chat() -> None:
    """Talk to the bot in the terminal (type a button's number to press it)."""
    from adapters.terminal import run_terminal_chat

    settings = _settings()
    if settings.rasa_url is None:
        _ensure_model(settings)
    asyncio.run(run_terminal_chat(settings, _say))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
