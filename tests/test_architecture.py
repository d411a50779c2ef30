"""The layout is the data flow: dependencies point one way, and no study lives in the code.

1. The import graph of ``src/surveykit`` (every ``import``, function-level ones included; imports
   under ``if TYPE_CHECKING:`` are annotations, not dependencies) has no cycle, and no module imports
   a module of a higher layer:

       core (errors, validation, version, reuse, blas) -> io -> prepare (instrument, mapping, clean, inspection,
       draft) -> analysis (counting, scoring, compare, banner, disclosure, stats, ranking, voices, coding, foi,
       charts) -> report -> api (pipeline, api, the package's front door, sample) -> cli

2. No question id, item id, free-text field id or option code of the shipped study appears in the
   code outside ``sample/`` (the study generator): the instrument YAML names them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "surveykit"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("core", ("surveykit.errors", "surveykit.validation", "surveykit._version", "surveykit.reuse", "surveykit.blas")),
    ("io", ("surveykit.io",)),
    ("prepare", ("surveykit.instrument", "surveykit.mapping", "surveykit.clean",
                 "surveykit.inspection", "surveykit.draft")),
    ("analysis", ("surveykit.scoring", "surveykit.counting", "surveykit.compare", "surveykit.banner",
                  "surveykit.disclosure", "surveykit.disclosure_algebra",
                  "surveykit.stats", "surveykit.lean_scipy", "surveykit.ranking", "surveykit.voices", "surveykit.coding", "surveykit.foi",
                  "surveykit.charts", "surveykit.privacy", "surveykit.redact")),
    ("report", ("surveykit.report",)),
    ("api", ("surveykit.pipeline", "surveykit.api", "surveykit", "surveykit.sample")),
    ("cli", ("surveykit.cli", "surveykit.__main__")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> int:
    best, level = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, level = len(p), i
    assert level is not None, f"{module} is in no layer: add it to LAYERS"
    return level


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """Line numbers of imports inside ``if TYPE_CHECKING:`` (annotations only)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (getattr(node.test, "id", None) == "TYPE_CHECKING"
                                         or getattr(node.test, "attr", None) == "TYPE_CHECKING"):
            for sub in node.body:
                for inner in ast.walk(sub):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        lines.add(inner.lineno)
    return lines


_GRAPHS: dict = {}


def import_graph() -> dict[str, set[str]]:
    """The graph of ``src/surveykit`` (a fresh copy); parsed once for the files' current contents (four
    tests of this file check the same graph: parsing every module takes about 2 s)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if key not in _GRAPHS:
        _GRAPHS.clear()
        _GRAPHS[key] = _parse_import_graph()
    return {mod: set(deps) for mod, deps in _GRAPHS[key].items()}


def _parse_import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_blocks(tree)
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.lineno in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                # "from pkg import name": name is a module when such a module exists.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for t in targets:
                if not t.startswith("surveykit"):
                    continue
                while t not in modules and "." in t:
                    t = t.rpartition(".")[0]
                if t in modules and t != mod and t != "surveykit":
                    graph[mod].add(t)
    return graph


def test_every_module_has_a_layer():
    for mod in import_graph():
        layer_of(mod)


def test_no_upward_import():
    problems = []
    for mod, deps in sorted(import_graph().items()):
        for dep in sorted(deps):
            if layer_of(dep) > layer_of(mod):
                problems.append(f"{mod} ({LAYERS[layer_of(mod)][0]}) imports {dep} ({LAYERS[layer_of(dep)][0]})")
    assert not problems, "upward imports:\n" + "\n".join(problems)


def test_no_import_cycle():
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_checker_sees_function_level_imports(tmp_path):
    """The graph must include imports made inside functions (where loops used to hide)."""
    graph = import_graph()
    # cli modules import the library inside command functions only
    assert any(dep.startswith("surveykit.") for dep in graph["surveykit.cli.analysis"] if dep != "surveykit.cli.app")


# -- the study lives in its instrument, not in the code ------------------------------------------

def study_identifiers() -> set[str]:
    from surveykit.instrument import load_instrument

    inst = load_instrument()
    ids: set[str] = set()
    for q in inst.questions:
        ids.add(q.id)
        ids.update(i.id for i in q.items)
        ids.update(q.text_columns)
    for p in inst.profile:
        if p.other_text:
            ids.add(p.other_text)
    # Option codes: the sector ids and the non-numeric codes of the scales. Generic words that are
    # also ordinary English or shared vocabulary ("other", "health", "DK") would make the scan
    # meaningless, so only codes that are compound or capitalised study categories are checked.
    for s in inst.sectors:
        if "_" in s.id:
            ids.add(s.id)
    for scale in inst.scales:
        for o in scale.options:
            if not o.dk and not o.code.isdigit() and len(o.code) > 2:
                ids.add(o.code)
    return ids


def test_no_study_identifier_in_the_code():
    ids = study_identifiers()
    assert {"q45", "q7", "q14_other_text", "criminal_justice", "High"} <= ids
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True))
                         + r")(?![A-Za-z0-9_])")
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("sample", "data"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in pattern.finditer(line):
                hits.append(f"{rel}:{n}: {m.group(1)}")
    assert not hits, "study identifiers in the code (move them to the instrument YAML):\n" + "\n".join(hits[:80])


@pytest.mark.parametrize("word", ["reasons_table", "effectiveness_table"])
def test_scan_is_not_vacuous(word):
    """The scan looks at real code: names it must not flag are there."""
    text = (PACKAGE / "scoring.py").read_text(encoding="utf-8")
    assert word in text
