"""Three clients merge the same messages: the Python client, our JS client, Phoenix LiveView's.

``merge_three_ways(sequences)`` takes sequences of messages (message 0 a full tree as
``Rendered.to_json()`` gives it, the rest diffs as ``diff()`` gives them) and returns, per
sequence, the HTML after each message from each client::

    {"python": [...], "ours": [...], "phoenix": [...]}    # "ours": js/src/rendered.js

Every value is a list with one entry per message. A client that fails on a message has, at
that message, a string saying why (``"<oracle: phoenix failed at message 3: TypeError ...>"``,
never a page the generators make), and None after it; so comparing each entry with the
expected page reports the failure. Both JS clients run in ONE node process per call
(``js/test/oracle/merge.mjs``): batch many sequences into one call. It needs Node 20 and
``npm ci`` in ``js/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from livewidget.template import MalformedTreeError, merge, to_html

CLI = Path(__file__).resolve().parents[1] / "js" / "test" / "oracle" / "merge.mjs"


class OracleError(RuntimeError):
    """The node oracle could not run (node or js/node_modules missing, or it crashed)."""


def run_node_cli(cli: Path, payload: Any) -> Any:
    """Run one of the node oracles on ``payload`` (JSON in on stdin, JSON out on stdout)."""
    node = shutil.which("node")
    if node is None:
        raise OracleError(f"{cli.name} needs Node 20 on PATH (`node`); install it")
    done = subprocess.run(
        [node, str(cli)],
        input=json.dumps(payload, separators=(",", ":")),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise OracleError(
            f"{cli.name} exited with {done.returncode}; if js/node_modules is missing, run "
            f"`npm ci` in js/. Its stderr:\n{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout)


def merge_three_ways(sequences: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per sequence, the HTML after each message from the Python, JS and Phoenix clients."""
    results: list[dict[str, Any]] = run_node_cli(CLI, sequences)
    if len(results) != len(sequences):
        raise OracleError(f"{CLI.name} answered {len(results)} sequences for {len(sequences)}")
    out = []
    for messages, result in zip(sequences, results, strict=True):
        errors: dict[str, str] = result.get("errors", {})
        html, error = _python(messages)
        if error is not None:
            errors["python"] = error
        pages = {"python": html, "ours": result["ours"], "phoenix": result["phoenix"]}
        for client, why in errors.items():
            failed = pages[client].index(None)
            pages[client][failed] = f"<oracle: {client} failed at {why[:2000]}>"
        out.append(pages)
    return out


def _python(messages: list[dict[str, Any]]) -> tuple[list[str | None], str | None]:
    out: list[str | None] = []
    tree: dict[str, Any] | None = None
    error = None
    for index, message in enumerate(messages):
        try:
            tree = merge(tree, message)
            out.append(to_html(tree))
        except MalformedTreeError as exc:
            error = f"message {index}: {exc}"
            break
    out.extend(None for _ in range(len(messages) - len(out)))
    return out, error
