"""Staff actions reach the person's conversation through the turn handler.

The console writes a reply, a close or a transfer as a ``handoff_message`` row; every second
``relay_pending`` hands each unrelayed one, oldest first, to ``TurnHandlerRelay``, which
resumes the contact's conversation with a ``StaffResume``. The turn marks the row relayed in
its own transaction (``StaffActionApplied``), so a crash between the turn and the sweep's own
mark cannot relay it twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.db.relay_store import PendingStaffAction, SqlRelayStore
from adapters.staff.console import Clock
from adapters.staff.relay import RelayFailed, relay_pending
from bot.conversation import TurnHandler
from bot.engine.inputs import StaffResume
from bot.ports import ConcurrentTurn, StorageUnavailable

RELAY_EVERY_SECONDS = 1.0


class TurnHandlerRelay:
    def __init__(self, handler: TurnHandler) -> None:
        self._handler = handler

    async def relay_staff_reply(self, action: PendingStaffAction) -> None:
        def resume(now: object) -> StaffResume:
            return StaffResume(
                now,  # type: ignore[arg-type]
                action.action,
                staff_id=action.staff_account_id,
                text=action.text or None,
                ref=str(action.message_id),
            )

        try:
            await self._handler.resume_contact(action.channel, action.contact_key, resume)
        except (StorageUnavailable, ConcurrentTurn) as problem:
            raise RelayFailed(str(problem)) from problem


def relay_job(
    store: SqlRelayStore, handler: TurnHandler, clock: Clock
) -> Callable[[], Awaitable[int]]:
    relay = TurnHandlerRelay(handler)

    async def job() -> int:
        return await relay_pending(store, relay, clock)

    return job
