"""The channels the settings turn on (Telegram, WhatsApp), built once, each registering its
sender in the directory every delivery reads. Web chat answers within its own request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx

from adapters.composition import Components
from adapters.settings import ConfigurationError, Settings
from adapters.telegram import TelegramChannel
from adapters.telegram_format import CHANNEL as TELEGRAM
from adapters.whatsapp import WhatsAppChannel, WhatsAppSender
from adapters.whatsapp_format import CHANNEL as WHATSAPP
from adapters.whatsapp_window import load_templates


@dataclass(slots=True)
class Channels:
    telegram: TelegramChannel | None = None
    whatsapp: WhatsAppChannel | None = None
    whatsapp_client: httpx.AsyncClient | None = None

    async def stop(self) -> None:
        if self.telegram is not None:
            await self.telegram.stop()
        if self.whatsapp is not None:
            await self.whatsapp.stop()
        if self.whatsapp_client is not None:
            await self.whatsapp_client.aclose()


def build_channels(parts: Components) -> Channels:
    settings = parts.settings
    channels = Channels()
    if settings.telegram_token:
        channels.telegram = TelegramChannel(
            token=settings.telegram_token,
            handler=parts.handler,
            catalog=parts.content.catalog,
            api_base_url=settings.telegram_api_base_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=settings.telegram_webhook_secret,
        )
        parts.senders[TELEGRAM] = channels.telegram.sender
    if settings.whatsapp_token:
        channels.whatsapp, channels.whatsapp_client = _whatsapp(settings, parts)
        parts.senders[WHATSAPP] = channels.whatsapp.sender
    return channels


def _whatsapp(settings: Settings, parts: Components) -> tuple[WhatsAppChannel, httpx.AsyncClient]:
    token, phone_number_id = settings.whatsapp_token, settings.whatsapp_phone_number_id
    app_secret, verify_token = settings.whatsapp_app_secret, settings.whatsapp_verify_token
    if not (token and phone_number_id and app_secret and verify_token):
        raise ConfigurationError("WHATSAPP_*: token, phone number id, app secret, verify token")
    client = httpx.AsyncClient(
        base_url=settings.whatsapp_api_base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(15.0, connect=5.0),
    )
    inbox, handler = parts.inbox_store, parts.handler

    async def last_message_at(address: str) -> datetime | None:
        return await inbox.last_message_at(WHATSAPP, handler.contact_key(WHATSAPP, address))

    sender = WhatsAppSender(
        client=client,
        phone_number_id=phone_number_id,
        catalog=parts.content.catalog,
        templates=load_templates(settings.content_dir / "whatsapp_templates.yml"),
        last_message_at=last_message_at,
        clock=parts.clock,
        public_base_url=settings.public_base_url,
        secret_key=settings.required_secret_key,
    )
    channel = WhatsAppChannel(
        handler=handler,
        inbox=inbox,
        sender=sender,
        clock=parts.clock,
        app_secret=app_secret,
        verify_token=verify_token,
    )
    return channel, client
