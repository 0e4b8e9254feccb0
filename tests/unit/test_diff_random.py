"""Random edits of a page's state: the client, merging each diff, always shows what a plain
Jinja2 render of the same state gives. Seeded, so a failure repeats."""

from __future__ import annotations

import json
import random

import pytest

from livewidget.template import CompiledTemplate, diff, environment, merge, to_html

TEMPLATES = {
    "keyed table": """<h1>{{ title }}</h1><ul>{% for r in rows %}<li id="{{ r.id }}">{{ r.name }}
{% if r.vip %}<b>vip {{ r.score }}</b>{% else %}<i>{{ r.score }}</i>{% endif %}</li>
{% endfor %}</ul>""",
    "loop variables": """{% for r in rows %}<p class="{{ loop.cycle('odd', 'even') }}">
{{ loop.index }}/{{ loop.length }} {{ r.name }}{% if loop.last %}!{% endif %}</p>{% endfor %}""",
    "nested loops": """{% for r in rows %}<tr>{% for t in r.tags %}<td>{{ t }}</td>{% endfor %}
</tr>{% endfor %}<footer>{{ title }}</footer>""",
    "unkeyed strings": """{% for name in names %}<li>{{ name }}</li>{% endfor %}""",
    "if around for": """{% if rows %}<ol>{% for r in rows %}<li>{{ r.name }}</li>{% endfor %}</ol>
{% else %}<p>empty</p>{% endif %}{{ title }}""",
    "keyed filter": """{% for r in rows | keyed("name") %}<li>{{ r.name }}={{ r.score }}</li>
{% endfor %}""",
    "set and macro": """{% set n = rows | length %}{% macro cell(v) %}<td>{{ v }}</td>{% endmacro %}
<p>{{ n }} rows</p>{% for r in rows %}{{ cell(r.name) }}{{ cell(n) }}{% endfor %}""",
}


def edit(rng: random.Random, state: dict, next_id: list[int]) -> set[str]:
    rows = [dict(r) for r in state["rows"]]
    op = rng.choice(
        [
            "cell",
            "append",
            "insert",
            "remove",
            "move",
            "swap",
            "reverse",
            "title",
            "clear",
            "vip",
            "tags",
            "shuffle",
            "rename",
        ]
    )
    if op == "title":
        state["title"] = rng.choice(["A", "B", "<C>", "D & E"])
        return {"title"}
    if op == "cell" and rows:
        rng.choice(rows)["score"] = rng.randint(0, 99)
    elif op == "append":
        rows.append(row(next_id))
    elif op == "insert":
        rows.insert(rng.randint(0, len(rows)), row(next_id))
    elif op == "remove" and rows:
        del rows[rng.randrange(len(rows))]
    elif op == "move" and rows:
        rows.insert(rng.randint(0, len(rows) - 1), rows.pop(rng.randrange(len(rows))))
    elif op == "swap" and len(rows) > 1:
        i, j = rng.sample(range(len(rows)), 2)
        rows[i], rows[j] = rows[j], rows[i]
    elif op == "reverse":
        rows.reverse()
    elif op == "clear":
        rows = []
    elif op == "vip" and rows:
        r = rng.choice(rows)
        r["vip"] = not r["vip"]
    elif op == "tags" and rows:
        rng.choice(rows)["tags"] = [rng.choice("xyz") for _ in range(rng.randint(0, 3))]
    elif op == "shuffle":
        rng.shuffle(rows)
    elif op == "rename" and rows:
        rng.choice(rows)["name"] = f"n{rng.randint(0, 9)}"
    state["rows"] = rows
    state["names"] = [r["name"] for r in rows]
    return {"rows", "names"}


def row(next_id: list[int]) -> dict:
    next_id[0] += 1
    i = next_id[0]
    return {"id": i, "name": f"name{i}", "score": i % 7, "vip": i % 3 == 0, "tags": ["t"]}


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_keep_the_client_in_step(name, seed):
    env = environment()
    source = TEMPLATES[name]
    compiled = CompiledTemplate(env, source)
    plain = env.from_string(source)
    rng = random.Random(seed)
    next_id = [0]
    state = {"title": "T", "rows": [row(next_id) for _ in range(6)]}
    state["names"] = [r["name"] for r in state["rows"]]
    server = compiled.render(state)
    client = json.loads(json.dumps(server.to_json()))
    assert to_html(client) == plain.render(state)
    for step in range(120):
        changed = edit(rng, state, next_id)
        after = compiled.render(state, changed=changed, previous=server)
        change = json.loads(json.dumps(diff(server, after)))
        client = merge(client, change)
        assert to_html(client) == plain.render(state), f"step {step}: {change}"
        assert str(after) == plain.render(state)
        server = after
