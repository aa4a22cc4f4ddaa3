"""Reading console forms: bounded text fields, optional ids, and whether htmx asked."""

from __future__ import annotations

from starlette.requests import Request

MAX_TEXT = 4000


async def text_field(request: Request, name: str, max_length: int = MAX_TEXT) -> str:
    """The field, stripped; empty when missing; cut at ``max_length`` characters."""
    value = (await request.form()).get(name)
    return value.strip()[:max_length] if isinstance(value, str) else ""


async def id_field(request: Request, name: str) -> int | None:
    value = await text_field(request, name, 12)
    return int(value) if value.isdigit() else None


def from_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
