"""Rasa is started with arguments its own command-line parser reads as meant, whatever the
random token looks like (one starting with "-" made Rasa exit 2, about once in 64 starts)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from adapters.rasa_process import rasa_run_arguments
from adapters.settings import PROJECT_DIR

PARSE = (
    "import json, sys\n"
    "from rasa.__main__ import create_argument_parser\n"
    "args = create_argument_parser().parse_args(json.loads(sys.argv[1]))\n"
    "print(json.dumps([args.auth_token, args.model, args.port, args.enable_api]))\n"
)


@pytest.mark.rasa
@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--double", "plain_Token-123"])
def test_rasas_own_parser_reads_the_token_model_and_port(token: str) -> None:
    arguments = rasa_run_arguments(token, Path("models/m.tar.gz"), 5099)
    parsed = subprocess.run(
        [str(PROJECT_DIR / ".venv-rasa" / "bin" / "python"), "-c", PARSE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(parsed.stdout.strip().splitlines()[-1]) == [
        token, "models/m.tar.gz", 5099, True
    ]  # fmt: skip
