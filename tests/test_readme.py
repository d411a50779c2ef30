"""The README's examples are the real output of today's code (issue 13, "also fix"), and it links every doc.

Every ```console block of README.md is run: each ``$ surveykit ...`` line is a command, run in this
process through the ``cli`` harness with a fixed terminal width, and the lines under it are its output
(stdout and stderr as a terminal shows them: each shown line must be the next line of one of the two
streams). A line ``...`` stands for any number of lines (a block ending in ``...`` shows the head only);
``...`` inside a line stands for any text. Trailing whitespace is ignored. Each ``##`` section of the
README runs in a fresh folder of its own (``responses/`` and ``codebooks/`` of the repository are linked
into it, so the README's relative paths work and nothing is written into the checkout), block after block.
A section that is a single command (no file written first, no external fixture) runs it through
``conftest.shared_cli_run``: once per test run, so another test needing that command's output reads
the same run.

HTML comments before a fenced block tell the test more (they do not show on GitHub):

* ``<!-- readme-file: NAME -->`` before any block: write the block into the section's folder as NAME
  (a codebook the next commands use);
* ``<!-- readme-excerpt: NAME -->`` before any block: the block is an excerpt of the file NAME that an
  earlier command wrote (same ``...`` rules);
* ``<!-- readme-external: PATH NAME -->`` anywhere in a section: copy ``../shared/fixtures/external/PATH``
  into the section's folder as NAME first (the section is skipped when the fixtures are absent; they
  are never copied into the repository);
* ``<!-- readme-exit: N -->`` before a console block: the block's last command exits with N (default 0
  for every command).

Other fenced blocks (``sh``, ``yaml``, ``python``...) are illustrations and are not run (the Python API
block is run by tests/test_api.py). When an example drifts, the failure shows the real output to paste.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import EXTERNAL, ROOT, link_repository_inputs, run_cli, shared_cli_run

README = ROOT / "README.md"
DOCS = ROOT / "docs"
WIDTH = "100"
# Docs that another branch adds; the README links them already. Remove a name once its file is merged.
PENDING_DOCS = {"docs/scaling.md"}

_FENCE = re.compile(r"^```(\S*)\s*$")
_DIRECTIVE = re.compile(r"<!--\s*readme-(file|excerpt|external|exit):\s*(.*?)\s*-->")


@dataclass
class Block:
    kind: str  # "console", "file", "excerpt"
    lines: list[str]
    line_no: int
    arg: str = ""
    exit: int = 0


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    externals: list[tuple[str, str]] = field(default_factory=list)


def parse_readme(text: str) -> list[Section]:
    sections: list[Section] = [Section("(top)")]
    pending: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            sections.append(Section(line[3:].strip()))
            pending = {}
        for kind, arg in _DIRECTIVE.findall(line):
            if kind == "external":
                path, name = arg.split()
                sections[-1].externals.append((path, name))
            else:
                pending[kind] = arg
        fence = _FENCE.match(line)
        if fence and fence.group(1):
            lang, start = fence.group(1), i
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if "file" in pending:
                sections[-1].blocks.append(Block("file", body, start + 1, arg=pending["file"]))
            elif "excerpt" in pending:
                sections[-1].blocks.append(Block("excerpt", body, start + 1, arg=pending["excerpt"]))
            elif lang == "console":
                sections[-1].blocks.append(Block("console", body, start + 1, exit=int(pending.get("exit", 0))))
            pending = {}
        i += 1
    return [s for s in sections if s.blocks]


def _line_matches(shown: str, actual: str) -> bool:
    shown, actual = shown.rstrip(), actual.rstrip()
    if "..." not in shown:
        return shown == actual
    pattern = ".*".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, actual) is not None


def match_output(shown: list[str], streams: dict[str, list[str]]) -> str | None:
    """None when ``shown`` is the streams' output (see the module doc), else what went wrong.

    A ``...`` line lets every stream skip lines until the next shown line found in it (the order in
    which a terminal interleaves stdout and stderr is not known); a stream still open after a last
    ``...`` may have lines left over."""
    cursor = {name: 0 for name in streams}
    skip = {name: False for name in streams}
    for n, line in enumerate(shown, 1):
        if line.strip() == "...":
            skip = {name: True for name in streams}
            continue
        found = None
        for name, lines in streams.items():  # the very next line of a stream
            if cursor[name] < len(lines) and _line_matches(line, lines[cursor[name]]):
                found = (name, cursor[name])
                break
        if found is None:  # or a later one, in a stream that a '...' lets skip lines
            for name, lines in streams.items():
                if not skip[name]:
                    continue
                hit = next((k for k in range(cursor[name], len(lines)) if _line_matches(line, lines[k])), None)
                if hit is not None:
                    found = (name, hit)
                    break
        if found is None:
            return f"shown line {n} is not the next line of the output: {line!r}"
        cursor[found[0]] = found[1] + 1
        skip[found[0]] = False
    for name, lines in streams.items():
        rest = [l for l in lines[cursor[name]:] if l.strip()]
        if rest and not skip[name]:
            return f"{len(rest)} more line(s) on {name} not shown (end the block with '...'): {rest[0]!r}"
    return None


def _commands(block: Block) -> list[tuple[list[str], list[str]]]:
    out: list[tuple[list[str], list[str]]] = []
    for line in block.lines:
        if line.startswith("$ "):
            out.append((shlex.split(line[2:]), []))
        elif out:
            out[-1][1].append(line)
        else:
            raise AssertionError(f"README.md:{block.line_no}: a console block must start with a '$ ' command")
    return out


SECTIONS = parse_readme(README.read_text(encoding="utf-8"))


def _workspace(tmp_path: Path, section: Section) -> Path:
    link_repository_inputs(tmp_path)
    for path, name in section.externals:
        source = EXTERNAL / path
        if not source.is_file():
            pytest.skip(f"../shared/fixtures/external/{path} is not present")
        shutil.copyfile(source, tmp_path / name)
    return tmp_path


def _real_output(result) -> str:
    return ("--- stdout ---\n" + result.stdout + "--- stderr ---\n" + result.stderr)[:6000]


ENV = {"COLUMNS": WIDTH, "LINES": "50"}


def _single_command(section: Section) -> list[str] | None:
    """The command of a section that is one command in a fresh workspace and nothing else (no file to
    write first, no external fixture), else None."""
    if section.externals or [b.kind for b in section.blocks if b.kind != "excerpt"] != ["console"]:
        return None
    commands = _commands(next(b for b in section.blocks if b.kind == "console"))
    return commands[0][0] if len(commands) == 1 else None


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.title)
def test_readme_examples_are_real_output(section, tmp_path, tmp_path_factory):
    single = _single_command(section)
    if single is not None and single[:1] == ["surveykit"]:
        # Run once per test run (conftest.shared_cli_run: same arguments, same workspace layout, same
        # environment), so that another test reading the same command's output (tests/test_report_foi.py
        # reads this README's `report --foi`) does not run it again. Its folder is read-only here.
        work, shared = shared_cli_run(tmp_path_factory, *single[1:], env=ENV)
    else:
        work, shared = _workspace(tmp_path, section), None
    problems = []
    for block in section.blocks:
        where = f"README.md:{block.line_no}"
        if block.kind == "file":
            (work / block.arg).write_text("\n".join(block.lines) + "\n", encoding="utf-8")
            continue
        if block.kind == "excerpt":
            target = work / block.arg
            assert target.is_file(), f"{where}: {block.arg} was not written by an earlier example"
            wrong = match_output(block.lines, {block.arg: target.read_text(encoding="utf-8").splitlines()})
            if wrong:
                problems.append(f"{where}: excerpt of {block.arg}: {wrong}")
            continue
        commands = _commands(block)
        assert commands, f"{where}: a console block without a command"
        for k, (argv, shown) in enumerate(commands):
            assert argv[0] == "surveykit", f"{where}: only surveykit commands are run: {argv}"
            result = shared if shared is not None else run_cli(*argv[1:], cwd=work, env=ENV)
            expected_exit = block.exit if k == len(commands) - 1 else 0
            label = f"{where}: $ {shlex.join(argv)}"
            if result.returncode != expected_exit:
                problems.append(f"{label}: exit {result.returncode}, README expects {expected_exit}\n"
                                + _real_output(result))
                continue
            if "Traceback" in result.stderr:
                problems.append(f"{label}: traceback\n{result.stderr[-2000:]}")
                continue
            if (result.stdout + result.stderr).strip() and not any(l.strip() and l.strip() != "..." for l in shown):
                problems.append(f"{label}: shows none of its output (show at least its first line)")
                continue
            wrong = match_output(shown, {"stdout": result.stdout.splitlines(), "stderr": result.stderr.splitlines()})
            if wrong:
                problems.append(f"{label}: {wrong}\n" + _real_output(result))
    assert not problems, "\n\n".join(problems)


# -- the matcher itself ------------------------------------------------------------------------------

def test_matcher_rules():
    out = {"stdout": ["a", "b", "c"], "stderr": ["note"]}
    assert match_output(["a", "b", "c", "note"], out) is None
    assert match_output(["note", "a", "b", "c"], out) is None  # streams interleave as a terminal shows them
    assert match_output(["a", "...", "note"], out) is None  # b and c are what '...' stands for
    assert match_output(["a", "...", "c", "b", "note"], out) is not None
    assert match_output(["a", "x...", "c", "note"], out) is not None
    assert match_output(["a", "b", "note"], out) is not None  # 'c' left out without '...'
    assert match_output(["a", "c", "note"], out) is not None  # a line skipped without '...'
    assert match_output(["...", "c", "note"], out) is None
    assert match_output(["a", "..."], out) is None  # the head only
    assert match_output(["b..."], {"stdout": ["b and more   "]}) is None
    assert match_output(["b...z"], {"stdout": ["b and more"]}) is not None
    assert match_output(["c", "a"], out) is not None  # order within a stream is kept


def test_the_readme_has_examples_run_by_the_test():
    commands = [argv for s in SECTIONS for b in s.blocks if b.kind == "console" for argv, _ in _commands(b)]
    assert len(commands) >= 15
    titles = {s.title for s in SECTIONS}
    for wanted in ("A short tour", "Your own questionnaire", "Coding free-text answers", "FOI returns"):
        assert any(t.startswith(wanted) for t in titles), f"no examples under '{wanted}'"


# -- links ------------------------------------------------------------------------------------------

def _links(text: str) -> set[str]:
    return {m.split("#")[0] for m in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in m and not m.startswith("#")}


def test_every_doc_is_linked_from_the_readme():
    links = _links(README.read_text(encoding="utf-8"))
    for doc in sorted(DOCS.glob("*.md")):
        assert f"docs/{doc.name}" in links, f"README.md does not link docs/{doc.name}"


def test_every_link_of_the_readme_exists():
    for link in sorted(_links(README.read_text(encoding="utf-8"))):
        if link in PENDING_DOCS and not (ROOT / link).exists():
            continue
        assert (ROOT / link).exists(), f"README.md links {link}, which does not exist"


def test_every_command_is_in_the_readme():
    from surveykit.cli.app import COMMANDS

    text = README.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"surveykit {name}" in text, f"the README never mentions 'surveykit {name}'"
