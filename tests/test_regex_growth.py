"""No pattern in the product takes super-linear time on its input (issue #11, failures 1 and 2).

Every regular expression of the product is collected programmatically (compiled patterns at
module level, also inside lists, tuples and dicts, and every literal pattern passed to ``re.*``
anywhere in the source) and timed on adversarial inputs of n and 4n characters: runs of one
character, the pattern's own words repeated, and a word followed by a long run (the shapes that
make a backtracking engine go quadratic). Linear time gives a ratio near 4, quadratic near 16.
Ratios are compared within one run, so a busy machine slows both sizes alike. The call sites
that loop over a text (classifying a question, re-flowing a paragraph, splitting sentences) get
the same growth check end to end.
"""

from __future__ import annotations

import ast
import gc
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("minutes_core", "assistant", "ingest", "vectorstore", "evals")
# The UI's modules import Gradio and the CLI starts slowly: scanned as source only.
MODULES = ()
SOURCE_ONLY = ("app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "minutes_app").rglob("*.py")))
N = 1000
# 4x the input: linear ~4, quadratic ~16. Timings under FLOOR seconds are too small to judge.
MAX_RATIO = 7.0
FLOOR = 0.01
TOO_SLOW = 0.3  # seconds for the small input alone: super-linear without looking further
_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


def _module_names() -> list[str]:
    names = list(MODULES)
    for package in PACKAGES:
        module = importlib.import_module(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")]
    return names


def _literal_patterns(source: str, where: str) -> dict[tuple[str, int], str]:
    """Patterns written as string literals in ``re.<call>(...)`` calls, with their flags."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            continue
        flags = 0
        flag_nodes = [kw.value for kw in node.keywords if kw.arg == "flags"]
        positional_flags = 3 if node.func.attr in ("sub", "subn") else 2
        if len(node.args) > positional_flags:
            flag_nodes.append(node.args[positional_flags])
        for flag_node in flag_nodes:
            flags |= eval(compile(ast.Expression(flag_node), where, "eval"), {"re": re})
        found[(node.args[0].value, flags)] = f"{where}:{node.lineno}"
    return found


def product_patterns() -> dict[tuple[str, int], str]:
    """(pattern, flags) -> where it is defined, for every regular expression of the product."""
    found: dict[tuple[str, int], str] = {}

    def visit(value, where: str, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found.setdefault((value.pattern, value.flags), where)
        elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
            for i, item in enumerate(value):
                visit(item, f"{where}[{i}]", depth + 1)
        elif depth < 2 and isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{where}[{key!r}]", depth + 1)
        elif depth < 2 and hasattr(value, "__dict__") and type(value).__module__.startswith(PACKAGES):
            for key, item in vars(value).items():  # pattern holders (records_route.InOrder)
                visit(item, f"{where}.{key}", depth + 1)

    for name in _module_names():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            visit(value, f"{name}.{attr}")
        for key, where in _literal_patterns(Path(module.__file__).read_text(), name).items():
            found.setdefault((key[0], re.compile(*key).flags), where)
    for file in SOURCE_ONLY:
        for key, where in _literal_patterns((ROOT / file).read_text(), file).items():
            found.setdefault((key[0], re.compile(*key).flags), where)
    return found


_SYNTAX = re.compile(r"\\[A-Za-z]|\(\?P?<[^>]*>|\(\?[aiLmsux-]+[):]|\{\d*,?\d*\}")


def adversarial_inputs(pattern: str, n: int) -> dict[str, str]:
    """Inputs of ``n`` characters that make backtracking patterns slow, named by their shape."""
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", _SYNTAX.sub(" ", pattern))))[:30]

    def fill(unit: str) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    inputs = {}
    if words:
        inputs["words"] = fill(" ".join(words) + " ")
        inputs["WORDS"] = fill(" ".join(words).upper() + " ")
        inputs["Words"] = fill(" ".join(w.capitalize() for w in words) + " ")
        inputs["wordsglued"] = fill("".join(words))
        for word in words[:10]:
            inputs[f"{word} repeated"] = fill(word + " ")
            inputs[f"{word.capitalize()} repeated"] = fill(word.capitalize() + " ")
    for prefix in [*words[:5], "1.", "1. A", "("]:
        for pump in (" ", "\t", "a", "A", "1", "a ", "A ", "'", "."):
            inputs[f"{prefix} + {pump!r} run"] = (prefix + " " + fill(pump))[:n]
    for unit in (" ", "\t", "a", "A", "1", ".", "-", "a ", "A ", "Aa ", "1 ", "1.", "12 ", "a.",
                 "A. ", ", ", "a-", "'", "a\n", " |", "*", "(", "1/", "12-", "2020 ", "a1 "):
        inputs[f"{unit!r} run"] = fill(unit)
    # Each symbol the pattern names that is neither a letter nor ASCII punctuation ("£", "’",
    # "€"), followed by a point: a word that may start on the symbol but must end on a letter.
    for symbol in sorted({ch for ch in pattern if not ch.isascii() and not ch.isalpha()})[:8]:
        inputs[f"{symbol + '.'!r} run"] = fill(symbol + ".")
    return inputs


def _seconds(run, repeat: int = 1) -> float:
    """Best CPU time of ``repeat`` runs (CPU, not wall-clock: other processes on a busy machine do
    not count), with the garbage collector paused: its passes over the many small strings a run
    makes come at sizes of their own and would blur the growth."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.process_time()
            run()
            best = min(best, time.process_time() - started)
    finally:
        if enabled:
            gc.enable()
    return best


def growth(run, small, large) -> tuple[float, float, float]:
    """(ratio, seconds small, seconds large) of ``run`` on two inputs, best of three when close."""
    a = _seconds(lambda: run(small))
    if a > TOO_SLOW:
        return float("inf"), a, a
    b = _seconds(lambda: run(large))
    if b > FLOOR and b / max(a, 1e-6) > MAX_RATIO:  # look again before calling it
        a, b = _seconds(lambda: run(small), 3), _seconds(lambda: run(large), 3)
    return b / max(a, 1e-6), a, b


def test_the_collector_finds_the_products_patterns():
    patterns = product_patterns()
    assert len(patterns) > 250
    where = set(patterns.values())
    assert any(w.startswith("assistant.filters.") for w in where)  # module level
    assert any(w.startswith("ingest.clean:") for w in where)  # literal in a call


def test_no_product_pattern_grows_faster_than_linear():
    slow = []
    for (pattern, flags), where in product_patterns().items():
        compiled = re.compile(pattern, flags)

        def run(text, compiled=compiled):
            for _ in compiled.finditer(text):
                pass

        small, large = adversarial_inputs(pattern, N), adversarial_inputs(pattern, 4 * N)
        for shape in small:
            ratio, a, b = growth(run, small[shape], large[shape])
            if b > FLOOR and ratio > MAX_RATIO:
                slow.append(f"{where} on {shape}: {a * 1000:.1f} ms -> {b * 1000:.1f} ms "
                            f"(x{ratio:.1f}) /{pattern[:80]}/")
                break
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)


# -- call sites that loop over a text ---------------------------------------------------------

def _question(n: int) -> str:
    """Words the classify patterns start on, and none they need to finish: the worst case."""
    return ("which outstanding declare who " * (n // 30 + 1))[:n]


@pytest.mark.parametrize("n", [20_000])
def test_classifying_a_long_question_takes_linear_time(n):
    from assistant.records_route import classify

    ratio, a, b = growth(classify, _question(n), _question(4 * n))
    assert ratio < MAX_RATIO or b < FLOOR, f"{a:.3f} s -> {b:.3f} s"


def _paragraph(n: int) -> str:
    """One paragraph of n characters: wrapped lines, sentences, no blank line anywhere."""
    line = "The committee noted the update on the housing budget and asked for a further report."
    return "\n".join([line] * (n // (len(line) + 1) + 1))[:n]


def test_parsing_a_long_paragraph_takes_linear_time(tmp_path):
    from ingest.models import LoadedFile, Page
    from minutes_core.settings import Settings
    from vectorstore.ingestion import parse_file

    settings = Settings(data_dir=tmp_path)

    def parse(text: str) -> None:
        parse_file(LoadedFile(path="/p.txt", source="p.txt", checksum="c", format="text",
                              pages=[Page(text=text)], page_exact=False, overrides={},
                              size_bytes=len(text)), settings)

    ratio, a, b = growth(parse, _paragraph(100_000), _paragraph(400_000))
    assert ratio < MAX_RATIO, f"{a:.3f} s -> {b:.3f} s"


def test_long_paragraphs_are_cut_into_bounded_blocks_before_any_work():
    from ingest.clean import MAX_BLOCK_CHARS, Line, reflow

    text = _paragraph(50_000)
    lines = [Line(number=i + 1, text=t) for i, t in enumerate(text.split("\n"))]
    lines.append(Line(number=len(lines) + 1, text="x" * 3 * MAX_BLOCK_CHARS))  # one huge line
    blocks = reflow(lines)
    assert max(len(block.text) for block in blocks) <= MAX_BLOCK_CHARS
    assert "".join(block.text for block in blocks).replace(" ", "") == \
        "".join(line.text for line in lines).replace(" ", "")


@pytest.mark.parametrize("unit", ["Mr. Dr. A. B. e.g. ", "1. 2. 3. (4) ", "word. " * 3])
def test_splitting_sentences_takes_linear_time(unit):
    from assistant.citations import split_sentences as answer_sentences
    from minutes_core.text.sentences import split_paragraph, split_sentences

    for split in (split_paragraph, split_sentences, answer_sentences):
        ratio, a, b = growth(split, unit * 5_000, unit * 20_000)
        assert ratio < MAX_RATIO or b < FLOOR, f"{split.__module__}: {a:.3f} s -> {b:.3f} s"
