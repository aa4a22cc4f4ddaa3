"""``passerelle chat``: the bot in a terminal, through the collecting channel."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import anyio.to_thread

from adapters.collecting import CollectingSender
from adapters.db.database import make_engine, migrate
from adapters.nlu_training import model_path
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer
from adapters.settings import Settings
from bot.engine.messages import Button, Inbound

CHANNEL = "terminal"


async def run_terminal_chat(settings: Settings, say: Callable[[str], None]) -> None:
    url = settings.effective_database_url
    await anyio.to_thread.run_sync(migrate, url)
    rasa: RasaServer | None = None
    if settings.rasa_url:
        nlu = RasaNlu(settings.rasa_url, settings.rasa_token)
    else:
        model = model_path(settings.models_dir, settings.nlu_dir)
        rasa = RasaServer(settings.rasa_venv, model, settings.var_dir / "log" / "rasa.log")
        await rasa.start()
        await rasa.wait_ready(say)
        nlu = RasaNlu(rasa.url, rasa.token)
    from adapters.app import build_turn_handler

    db = make_engine(url)
    handler = build_turn_handler(settings, db, nlu)
    user = "terminal-" + secrets.token_hex(8)
    say("type a message, a button number, or Ctrl-D to quit")
    buttons: tuple[Button, ...] = ()
    text = "/start"
    try:
        while True:
            inbound = _inbound(user, text, buttons)
            sender = CollectingSender()
            await handler.handle(inbound, sender)
            buttons = ()
            for message in sender.messages:
                print(f"\nbot> {message.text}")
                for number, button in enumerate(message.buttons, start=1):
                    print(f"     [{number}] {button.title}")
                buttons = message.buttons or buttons
            try:
                text = await anyio.to_thread.run_sync(input, "\nyou> ")
            except EOFError:
                break
    finally:
        await nlu.aclose()
        if rasa is not None:
            await rasa.stop()
        db.dispose()


def _inbound(user: str, text: str, buttons: tuple[Button, ...]) -> Inbound:
    choice = text.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return Inbound(channel=CHANNEL, user_id=user, payload=buttons[int(choice) - 1].payload)
    return Inbound(channel=CHANNEL, user_id=user, text=text)
