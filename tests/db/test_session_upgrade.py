"""Sessions stored by the previous engine (version 1, free keys) go on where they were."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update

from adapters.collecting import CollectingSender
from adapters.db.models import ConversationSession
from adapters.db.session_upgrade import upgraded
from bot.booking.state import BookingDraft
from bot.engine.messages import Inbound
from bot.engine.session import SESSION_SPEC_VERSION, Session
from bot.engine.state import EngineState, FlowState
from bot.handoff.state import HandoffState
from bot.schemes.state import SchemesState
from tests.conftest import DATABASES
from tests.engine.test_runner import resume, run, texts
from tests.support import builders
from tests.support.builders import catalog, engine, turn_handler

VERSION_1 = {
    "spec_version": 1,
    "language": "fr",
    "language_source": "detected",
    "status": "active",
    "wait": "prequalification:q2",
    "handoff_reason": None,
    "last_input_at": "2026-11-23T10:00:00+00:00",
    "data": {
        "stack": [["prequalification", "q2"]],
        "answers": {"consent": "ACCEPT", "Q1": "BXL"},
        "misses": 1,
        "language_checked": True,
        "handoff_acknowledged": True,
        "eligibility_for": "tremplin",
        "appointment_route": "hub_worker",
        "microstart_office": "BXL",
        "booking": {"step": "slot", "type": "financing", "place": 1, "interpreter": False},
    },
}


def test_a_version_1_document_becomes_the_typed_states_of_version_2() -> None:
    document = upgraded(VERSION_1)
    assert document["spec_version"] == SESSION_SPEC_VERSION
    session = Session.from_dict(document)
    flow = FlowState.from_dict(session.data["flow"])
    assert flow.stack == (("prequalification", "q2"),)
    assert flow.answers == {"consent": "ACCEPT", "Q1": "BXL"}
    assert flow.misses == 1
    assert EngineState.from_dict(session.data["engine"]).language_checked
    assert HandoffState.from_dict(session.data["handoff"]).acknowledged
    assert SchemesState.from_dict(session.data["schemes"]).eligibility_for == "tremplin"
    assert session.data["facts"] == {"appointment_route": "hub_worker", "microstart_office": "BXL"}
    draft = BookingDraft.from_dict(session.data["booking"])
    assert (draft.step, draft.type, draft.place) == ("slot", "financing", 1)


def test_a_conversation_stored_by_the_old_engine_goes_on_at_its_question() -> None:
    bot = engine()
    session = Session.from_dict(upgraded(VERSION_1))
    session, _ = run(bot, session, resume(payload="a:q2:RIS"))
    assert FlowState.from_dict(session.data["flow"]).multi == ("RIS",)
    session, events = run(bot, session, resume(payload="a:q2:DONE"))
    assert FlowState.from_dict(session.data["flow"]).answers["Q2"] == ["RIS"]
    assert session.wait == "prequalification:q3"
    assert catalog().text("fr", "prequal.q3.text") in texts(events)[-1]


def test_a_current_document_is_left_as_it_is() -> None:
    current = engine().new_session(resume().language).to_dict()
    assert upgraded(current) is current


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
async def test_the_store_reads_a_version_1_row_as_version_2(db: Engine) -> None:
    handler = turn_handler(db)
    await handler.handle(Inbound("webchat", "old-user", text="/start"), CollectingSender())
    with db.begin() as connection:
        connection.execute(update(ConversationSession).values(state=VERSION_1))
    key = handler.contact_key("webchat", "old-user")
    stored = await builders.store(db).load("webchat", key, None)
    assert stored.session is not None
    assert stored.session.wait == "prequalification:q2"
    assert FlowState.from_dict(stored.session.data["flow"]).answers["Q1"] == "BXL"
