"""`make bench`: prints figures for the turn path and the NLU server (no assertions).

1. the pure engine: a whole pre-qualification, turns per second;
2. the turn handler with the SQLite store (scripted NLU): latency per turn;
3. whole bookings through the turn handler (demo advisers);
4. the real Rasa server: time to ready, /model/parse latency, resident memory.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from adapters.collecting import CollectingSender
from adapters.db.database import make_engine, migrate
from adapters.nlu_training import model_path
from adapters.rasa import RasaNlu
from adapters.rasa_process import RasaServer
from adapters.settings import PROJECT_DIR
from bot.engine.messages import Button, Inbound
from tests.support.builders import load_demo_data, turn_handler

PREQUALIFICATION = [
    "menu:prequalification", "a:consent:ACCEPT", "a:q1:BXL", "a:q2:UNEMP", "a:q2:DONE",
    "a:q3:J_GT12", "a:q4:IDEA", "a:q5:MAIN", "a:q6:F_LT5K", "a:q7:B_REFUSED", "a:q8:H_NONE",
    "a:q9:FOOD", "a:q10:NONE", "a:q11:GT10", "a:q12_age:A31_49", "a:q12_gender:W",
    "a:summary:CONFIRM", "a:next_steps:MENU",
]  # fmt: skip
TEXTS = ["bonjour", "hallo", "je veux un rendez-vous", "ik wil met iemand praten",
         "what support is there for me", "asdfgh", "je veux devenir independant"]  # fmt: skip


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def bench_turns(conversations: int) -> None:
    directory = tempfile.mkdtemp()
    url = f"sqlite:///{directory}/bench.sqlite3"
    migrate(url)
    handler = turn_handler(make_engine(url))
    latencies = []
    started = time.perf_counter()
    for number in range(conversations):
        for payload in PREQUALIFICATION:
            inbound = Inbound("webchat", f"bench-user-{number}", payload=payload)
            begin = time.perf_counter()
            await handler.handle(inbound, CollectingSender())
            latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    print(
        f"turn handler + SQLite: {len(latencies)} turns ({conversations} full "
        f"pre-qualifications) in {elapsed:.2f} s = {len(latencies) / elapsed:.0f} turns/s; "
        f"{percentiles(latencies)}"
    )


BOOKING = ["menu:appointment", "bk:t:financing", "bk:p:1", "SLOT", "bk:y", "menu:appointment"]


async def bench_booking(people: int) -> None:
    """Whole bookings through the turn handler: each turn that touches appointments reads the
    calendar (staff, opening hours, taken slots of six weeks) once."""
    directory = tempfile.mkdtemp()
    url = f"sqlite:///{directory}/bench.sqlite3"
    migrate(url)
    engine = make_engine(url)
    load_demo_data(engine)
    handler = turn_handler(engine)
    latencies = []
    started = time.perf_counter()
    for number in range(people):
        previous: list[Button] = []
        for payload in BOOKING:
            if payload == "SLOT":
                payload = previous[0].payload
            inbound = Inbound("webchat", f"bench-booker-{number}", payload=payload)
            begin = time.perf_counter()
            outcome = await handler.handle(inbound, CollectingSender())
            latencies.append(time.perf_counter() - begin)
            previous = [b for m in outcome.messages for b in m.buttons]
    elapsed = time.perf_counter() - started
    print(
        f"booking turns + SQLite: {people} people booked ({len(latencies)} turns) in "
        f"{elapsed:.2f} s; {percentiles(latencies)}"
    )


async def bench_rasa(requests: int, say: Callable[[str], None]) -> None:
    model = model_path(PROJECT_DIR / "models", PROJECT_DIR / "nlu_data")
    if not model.is_file():
        say("no trained model: run `make setup` first; Rasa figures skipped")
        return
    server = RasaServer(PROJECT_DIR / ".venv-rasa", model, Path(tempfile.mkdtemp()) / "rasa.log")
    await server.start()
    try:
        ready = await server.wait_ready(say)
        nlu = RasaNlu(server.url, server.token)
        latencies = []
        for number in range(requests):
            begin = time.perf_counter()
            await nlu.parse(TEXTS[number % len(TEXTS)])
            latencies.append(time.perf_counter() - begin)
        await nlu.aclose()
        assert server.pid is not None
        print(
            f"Rasa server: ready in {ready:.1f} s; resident memory {rss_mib(server.pid):.0f} MiB"
        )
        print(f"Rasa /model/parse: {requests} requests, {percentiles(latencies)}")
    finally:
        await server.stop()


async def main() -> None:
    print(f"model: {model_path(PROJECT_DIR / 'models', PROJECT_DIR / 'nlu_data').name}")
    await bench_turns(conversations=50)
    await bench_booking(people=100)
    await bench_rasa(requests=300, say=lambda line: print(f"  {line}"))


if __name__ == "__main__":
    asyncio.run(main())
