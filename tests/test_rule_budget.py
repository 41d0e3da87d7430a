"""The regular-expression budget of ``assistant/``: rules may not creep back in.

Issue #13 replaced hand-written question rules with question analysis and fitted scoring; it
counted 176 regular-expression call sites in ``assistant/`` before and set the budget at half.
A call site is every ``re.<function>(...)`` call and every ``<compiled pattern>.<method>(...)``
call, where a compiled pattern is a name bound to an ``re.Pattern`` (at module level, imported,
or assigned from ``re.compile`` in the function).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATTERN_METHODS = {"search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
BEFORE = 177  # counted by this test's counter on the commit before issue #13's answer work
BUDGET = BEFORE // 2


def regex_call_sites(source: str, module_names: dict[str, object]) -> int:
    """The regular-expression call sites of one module's source (see the module docstring)."""
    tree = ast.parse(source)
    compiled = {name for name, value in module_names.items() if isinstance(value, re.Pattern)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                _is_re_call(node.value, "compile"):
            compiled |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    count = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id == "re":
            count += 1
        elif node.func.attr in PATTERN_METHODS and isinstance(owner, ast.Name) and owner.id in compiled:
            count += 1
    return count


def _is_re_call(call: ast.Call, name: str) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == name and \
        isinstance(func.value, ast.Name) and func.value.id == "re"


def assistant_call_sites() -> dict[str, int]:
    counts = {}
    for path in sorted((ROOT / "assistant").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        names = vars(importlib.import_module(module))
        counts[module] = regex_call_sites(path.read_text(encoding="utf-8"), names)
    return counts


@pytest.mark.parametrize("source, expected", [
    ("import re\nre.search('a', 'b')\n", 1),
    ("import re\nP = re.compile('a')\nP.search('b')\nP.sub('', 'b')\n", 3),
    ("import re\ndef f(t):\n    p = re.compile('a')\n    return p.findall(t)\n", 2),
    ("x = 'a b'\nx.split()\n", 0),
    ("", 0),
])
def test_counter_counts_re_functions_and_compiled_pattern_methods(source, expected):
    assert regex_call_sites(source, {}) == expected


def test_counter_sees_imported_compiled_patterns():
    assert regex_call_sites("WORD.findall('a b')\n", {"WORD": re.compile(r"\w+")}) == 1


def test_assistant_stays_within_its_regular_expression_budget():
    counts = assistant_call_sites()
    total = sum(counts.values())
    worst = ", ".join(f"{m}={n}" for m, n in sorted(counts.items(), key=lambda kv: -kv[1])[:5])
    assert total <= BUDGET, f"{total} regular-expression call sites in assistant/ (budget {BUDGET}): {worst}"
