"""The relay port: how a staff reply or close reaches the person's conversation.

The console only writes rows (handoff_message ``out`` and ``closed``, relayed_at NULL) in its
own transaction. ``relay_pending`` hands each one, oldest first, to a ``StaffReplyRelay`` and
marks it relayed when the relay returned; a relay that raises leaves the row for the next
sweep. The engine integration implements ``relay_staff_reply`` by resuming the contact's
conversation (docs/staff-console.md); until then ``UnwiredRelay`` keeps every row pending.
"""

from __future__ import annotations

import logging
from typing import Protocol

import anyio.to_thread

from adapters.db.relay_store import PendingStaffAction, SqlRelayStore
from adapters.staff.console import Clock

log = logging.getLogger(__name__)


class RelayFailed(Exception):
    """The reply could not be handed to the conversation now; it is tried again later."""


class StaffReplyRelay(Protocol):
    async def relay_staff_reply(self, action: PendingStaffAction) -> None:
        """Deliver a staff ``reply`` (``action.text``) or ``close`` to the contact
        ``(action.channel, action.contact_key)``; raise RelayFailed to retry later."""
        ...


class UnwiredRelay:
    """No conversation engine wired yet: nothing is relayed, every row stays pending."""

    async def relay_staff_reply(self, action: PendingStaffAction) -> None:
        raise RelayFailed("the staff relay is not wired to the conversation engine yet")


async def relay_pending(store: SqlRelayStore, relay: StaffReplyRelay, clock: Clock) -> int:
    """Relay what is pending; the number relayed. Stops at the first failure so a contact's
    replies never arrive out of order."""
    relayed = 0
    for action in await anyio.to_thread.run_sync(store.pending):
        try:
            await relay.relay_staff_reply(action)
        except RelayFailed as problem:
            log.info("staff %s %s not relayed yet: %s", action.action, action.message_id, problem)
            break
        if await anyio.to_thread.run_sync(store.mark_relayed, action.message_id, clock.now()):
            relayed += 1
    return relayed
