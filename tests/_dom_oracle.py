"""The JS client's DOM patch paths as an oracle: livewidget's real view, in happy-dom.

``patch_in_dom(sequences)`` takes sequences of ``(kernel message, expected page)`` pairs and
returns, per sequence and message, ``(patched, expected)``: the view's innerHTML after the
message, and the expected page as the same DOM parses and serialises it. So the two compare
equal exactly when the patch left the DOM as a fresh render would, whatever the parser does
to HTML the DOM cannot hold as written. ``patch_paths_in_dom`` also says which patch path
each message took (``"rows"``, ``"lists"``, ``"full"``, ``"none"``; see
``js/test/oracle/patch.mjs``). ``kernel_messages`` wraps a tree and its diffs as the kernel
sends them.

All sequences of one call run in ONE node process: batch many into one call. It needs
Node 20 and ``npm ci`` in ``js/``. A message the client logs an error on has, as its patched
page, a string saying so (``"<patch.mjs: the client logged at message 3: ...>"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from tests._oracle import run_node_cli

CLI = Path(__file__).resolve().parents[1] / "js" / "test" / "oracle" / "patch.mjs"


class DomOracleError(RuntimeError):
    """The DOM oracle answered something else than the sequences it was given."""


class Patched(NamedTuple):
    """One message through the view: the DOM it left, the expected page, the path taken."""

    patched: str
    expected: str
    path: str


def kernel_messages(tree_and_diffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[tree, diff, ...]`` as the kernel sends them: ``{"r": tree}``, then each diff as
    the reply to event ``n`` (``{"d": diff, "ref": n}``, or ``{"ref": n}`` when empty)."""
    if not tree_and_diffs:
        return []
    tree, *diffs = tree_and_diffs
    out: list[dict[str, Any]] = [{"r": tree}]
    for ref, change in enumerate(diffs, start=1):
        out.append({"d": change, "ref": ref} if change else {"ref": ref})
    return out


def patch_paths_in_dom(sequences: list[list[tuple[dict[str, Any], str]]]) -> list[list[Patched]]:
    """Per sequence, per message: the patched DOM, the expected page and the patch path."""
    results: list[list[list[str]]] = run_node_cli(
        CLI, [[list(step) for step in steps] for steps in sequences]
    )
    if [len(r) for r in results] != [len(s) for s in sequences]:
        raise DomOracleError(
            f"{CLI.name} answered {[len(r) for r in results]} messages per sequence "
            f"for {[len(s) for s in sequences]}"
        )
    return [[Patched(*step) for step in steps] for steps in results]


def patch_in_dom(sequences: list[list[tuple[dict[str, Any], str]]]) -> list[list[tuple[str, str]]]:
    """Per sequence, per message: ``(patched, expected)`` as the same DOM serialises them."""
    return [
        [(step.patched, step.expected) for step in steps] for steps in patch_paths_in_dom(sequences)
    ]
