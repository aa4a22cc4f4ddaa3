"""What the person can ask about their data: ``/privacy`` (the consent text in force: its
version, what is kept, for how long, who sees it), ``/mydata`` (what the database holds about
them now, in their language) and ``/forget`` (asked once more, then everything is erased in
the turn's one transaction, and a last message says so).

The confirmation buttons are commands (``/forget_yes``, ``/forget_no``), so they work in
every state of the conversation, a handoff to a person included."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from bot.engine.buttons import CommandButton
from bot.engine.events import ContactForgotten
from bot.engine.registry import Command, Feature, Intent
from bot.engine.services import Services
from bot.engine.session import Session, SessionStatus
from bot.engine.turn import Turn
from bot.privacy.kept import KEPT, KeptData

BRUSSELS = ZoneInfo("Europe/Brussels")


def privacy(services: Services) -> Feature:
    consent_nodes = [
        node
        for flow in services.flows.flows.values()
        for node in flow.nodes.values()
        if node.consent is not None
    ]
    version = next((node.consent for node in consent_nodes), None) or "-"
    consent_saves = {node.save for node in consent_nodes}

    def inform_privacy(turn: Turn) -> None:
        text = f"{turn.text('privacy')}\n\n{turn.text('privacy_version', version=version)}"
        turn.say_text(text)
        if services.in_flow(turn):
            services.offer_resume(turn)

    def my_data(turn: Turn) -> None:
        kept = turn.context(KEPT)
        answered = [key for key in turn.answers if key not in consent_saves]
        turn.say_text("\n".join(_kept_lines(turn, kept, len(answered))))
        if services.in_flow(turn):
            services.offer_resume(turn)

    def forget(turn: Turn) -> None:
        buttons = (
            turn.button("forget.confirm_erase", CommandButton("forget_yes")),
            turn.button("forget.confirm_keep", CommandButton("forget_no")),
        )
        turn.say("forget.confirm", buttons)

    def forget_confirmed(turn: Turn) -> None:
        turn.emit(ContactForgotten())
        turn.say("forget.done")
        turn.session = Session(language=turn.lang)

    def forget_declined(turn: Turn) -> None:
        turn.say("forget.kept")
        if turn.session.status == SessionStatus.ACTIVE:
            services.reask_or_menu(turn)

    return Feature(
        name="privacy",
        commands=(
            Command("privacy", inform_privacy),
            Command("mydata", my_data),
            Command("forget", forget),
            Command("forget_yes", forget_confirmed),
            Command("forget_no", forget_declined),
        ),
        intents=(
            Intent(
                "privacy",
                lambda turn, _intent: inform_privacy(turn),
                digression=True,
                label=lambda turn: turn.text("commands.privacy"),
            ),
        ),
        contexts=(KEPT.name,),
    )


def _kept_lines(turn: Turn, kept: KeptData, answers: int) -> list[str]:
    language = turn.catalog.language(kept.language or turn.lang).native_name
    lines = [turn.text("mydata.intro"), turn.text("mydata.language", language=language)]
    for consent in kept.consents:
        answer = turn.text("mydata.accepted" if consent.accepted else "mydata.refused")
        when = _day(turn, consent.recorded_at)
        lines.append(
            turn.text("mydata.consent", version=consent.version, answer=answer, date=when)
        )
    if answers:
        lines.append(turn.text("mydata.answers", count=answers))
    for booking in kept.bookings:
        when = format_datetime(
            booking.starts_at.astimezone(BRUSSELS), "medium", locale=turn.locale
        )
        lines.append(turn.text("mydata.booking", reference=booking.reference, when=when))
        if booking.shared_with:
            lines.append(
                turn.text(
                    "mydata.shared", organisation=booking.shared_with, reference=booking.reference
                )
            )
    if kept.handoff_since is not None:
        lines.append(turn.text("mydata.handoff", date=_day(turn, kept.handoff_since)))
    erased_on = kept.erased_on(turn.retention_days)
    if erased_on is not None:
        lines.append(turn.text("mydata.erase", date=_day(turn, erased_on)))
    else:
        lines.append(turn.text("mydata.nothing"))
    return lines


def _day(turn: Turn, moment: datetime) -> str:
    return format_date(moment.astimezone(BRUSSELS), "long", locale=turn.locale)
