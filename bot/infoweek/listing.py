"""The list of sessions: filtered by place (a city, online, or the person's region), day and
language; at most the channel's button limit per message, with "more" for the next page; and
the choices of another city, another day, or only their language."""

from __future__ import annotations

from collections.abc import Iterable

from bot.engine.buttons import CommandButton
from bot.engine.messages import Button
from bot.engine.payloads import encode
from bot.engine.turn import Turn
from bot.infoweek import labels
from bot.infoweek.buttons import ANY, ChooseFilter, Details, ListEvents
from bot.infoweek.context import InfoWeekContext
from bot.infoweek.model import InfoEvent, localized

ONLINE = "online"
REGION = "r."
NAVIGATION = 3  # "more", "filter", "menu" beside the sessions of a page


def matches(event: InfoEvent, where: str, day: str, lang: str) -> bool:
    if where == ONLINE and not event.online:
        return False
    if where.startswith(REGION) and event.region != where[len(REGION) :]:
        return False
    named = where not in (ANY, ONLINE) and not where.startswith(REGION)
    if named and (event.online or labels.key_of(event.city or "") != where):
        return False
    if day != ANY and labels.local(event.starts_at).date().isoformat() != day:
        return False
    return lang == ANY or lang in event.languages


def coming(context: InfoWeekContext, turn: Turn) -> list[InfoEvent]:
    return sorted(
        (e for e in context.events if e.starts_at > turn.now), key=lambda e: (e.starts_at, e.id)
    )


def city_in_text(context: InfoWeekContext, text: str) -> str | None:
    """The key of a city of the coming events that the person named in ``text``."""
    words = {labels.key_of(word) for word in text.replace("'", " ").replace("’", " ").split()}
    words = {labels.CITY_ALIASES.get(word, word) for word in words}
    cities = {labels.key_of(e.city) for e in context.events if e.city}
    found = sorted(words & cities)
    return found[0] if found else None


def show(turn: Turn, context: InfoWeekContext, query: ListEvents) -> None:
    events = coming(context, turn)
    chosen = [e for e in events if matches(e, query.where, query.day, query.lang)]
    if not events:
        turn.say("infoweek.none", (turn.button("flow.menu", CommandButton("menu")),))
        return
    if not chosen:
        turn.say(
            "infoweek.none_here",
            (
                turn.button("infoweek.all", ListEvents()),
                turn.button("flow.menu", CommandButton("menu")),
            ),
            filter=_filter_text(turn, context, query),
        )
        return
    size = max(context.button_limit - NAVIGATION, 1)
    start = query.page * size
    page = chosen[start : start + size]
    if not page:  # an old "more" after the list shrank: from the start
        start, page = 0, chosen[:size]
    lines = [_line(turn, number, event) for number, event in enumerate(page, start=start + 1)]
    buttons = [
        Button(f"{number}. {labels.plain_title(turn, event)}", encode(Details(event.id)))
        for number, event in enumerate(page, start=start + 1)
    ]
    if start + size < len(chosen):
        more = ListEvents(query.where, query.day, query.lang, start // size + 1)
        buttons.append(turn.button("infoweek.more", more))
    buttons.append(
        turn.button("infoweek.filter", ChooseFilter("menu", query.where, query.day, query.lang))
    )
    buttons.append(turn.button("flow.menu", CommandButton("menu")))
    header = turn.text(
        "infoweek.list",
        week=_week_title(turn, context),
        filter=_filter_text(turn, context, query),
        count=len(chosen),
    )
    turn.say_text("\n".join([header, *lines]), tuple(buttons))


def choose(turn: Turn, context: InfoWeekContext, pressed: ChooseFilter) -> None:
    """The filter menu, or the choices of one filter."""
    events = coming(context, turn)
    keep = (pressed.where, pressed.day, pressed.lang)
    if pressed.what == "where":
        cities = sorted({(labels.key_of(e.city), e.city) for e in events if e.city})
        buttons = [Button(name, encode(ListEvents(key, keep[1], keep[2]))) for key, name in cities]
        if any(e.online for e in events):
            buttons.append(turn.button("infoweek.online", ListEvents(ONLINE, keep[1], keep[2])))
        buttons.append(turn.button("infoweek.all_places", ListEvents(ANY, keep[1], keep[2])))
        turn.say("infoweek.choose_place", tuple(buttons))
    elif pressed.what == "day":
        days = sorted({labels.local(e.starts_at).date() for e in events})
        by_day = {labels.local(e.starts_at).date(): e.starts_at for e in events}
        buttons = [
            Button(
                labels.day_label(turn, by_day[day]),
                encode(ListEvents(keep[0], day.isoformat(), keep[2])),
            )
            for day in days
        ]
        buttons.append(turn.button("infoweek.all_days", ListEvents(keep[0], ANY, keep[2])))
        turn.say("infoweek.choose_day", tuple(buttons))
    else:
        language = turn.catalog.language(turn.lang).native_name
        mine = ListEvents(keep[0], keep[1], ANY if keep[2] != ANY else turn.lang)
        lang_key = "infoweek.all_languages" if keep[2] != ANY else "infoweek.my_language"
        buttons = [
            turn.button("infoweek.by_place", ChooseFilter("where", *keep)),
            turn.button("infoweek.by_day", ChooseFilter("day", *keep)),
            Button(turn.text(lang_key, language=language), encode(mine)),
        ]
        turn.say("infoweek.filter_prompt", tuple(buttons))


def _line(turn: Turn, number: int, event: InfoEvent) -> str:
    return turn.text(
        "infoweek.line",
        number=number,
        day=labels.short_day(turn, event.starts_at),
        time=labels.hour(turn, event.starts_at),
        place=labels.place_short(turn, event),
        title=labels.title(turn, event),
        languages=" ".join(code.upper() for code in event.languages),
        places=labels.availability(turn, event),
    )


def _week_title(turn: Turn, context: InfoWeekContext) -> str:
    if context.week is None:
        return ""
    text, _lang = localized(context.week.title, turn.lang)
    return text


def _filter_text(turn: Turn, context: InfoWeekContext, query: ListEvents) -> str:
    parts: list[str] = []
    if query.where == ONLINE:
        parts.append(turn.text("infoweek.online"))
    elif query.where.startswith(REGION):
        cities = _names(e.city for e in context.events if e.region == query.where[2:] and e.city)
        parts.append(turn.text("infoweek.in_place", place=cities or query.where[2:]))
    elif query.where != ANY:
        names = _names(
            e.city for e in context.events if e.city and labels.key_of(e.city) == query.where
        )
        parts.append(turn.text("infoweek.in_place", place=names or query.where))
    if query.day != ANY:
        day = next(
            (
                e.starts_at
                for e in context.events
                if labels.local(e.starts_at).date().isoformat() == query.day
            ),
            None,
        )
        if day is not None:
            parts.append(labels.day_label(turn, day))
    if query.lang != ANY and query.lang in turn.catalog.codes:
        parts.append(turn.catalog.language(query.lang).native_name)
    return ", ".join(parts) if parts else turn.text("infoweek.everywhere")


def _names(cities: Iterable[str]) -> str:
    return ", ".join(sorted(set(cities)))
