"""Hostile YAML and hostile paths (issue 13, point 6, the files half): one clear line, fast, never a hang.

* YAML: "billion laughs" alias bombs, tags (``!!python/object``...), deep nesting, bytes that are not
  UTF-8 -> refused with the file named;
* a named pipe, a device, a socket or a directory given as input -> refused before anything is read;
* instrument values of the wrong type (``sectors: 5``, ``aliases: 5``, ``top_box: 1``) -> one line.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import time

import pytest

from conftest import CODEBOOKS, SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli
from surveykit.errors import InstrumentError
from surveykit.io.yaml_file import read_yaml

LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")))


def one_line(result) -> str:
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_billion_laughs_is_refused_fast(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS)
    assert len(bomb.read_bytes()) < 500
    started = time.perf_counter()
    with pytest.raises(InstrumentError, match="aliases"):
        read_yaml(bomb, error=InstrumentError, what="instrument")
    assert time.perf_counter() - started < 2
    # A handful of aliases (a YAML merge key) is still fine.
    ok = tmp_path / "ok.yaml"
    ok.write_text("base: &base {kind: ordinal}\nscale: {<<: *base, top_box: ['5']}\n")
    assert read_yaml(ok, error=InstrumentError, what="instrument")["scale"]["kind"] == "ordinal"


def test_expansion_is_bounded_even_with_few_aliases(tmp_path):
    # 40 aliases, but each level doubles a list of 10,000 items: far more than a million values expanded.
    levels = ["l0: &l0 [" + ",".join(["x"] * 10_000) + "]"]
    for k in range(1, 20):
        levels.append(f"l{k}: &l{k} [*l{k - 1}, *l{k - 1}]")
    doc = tmp_path / "wide.yaml"
    doc.write_text("\n".join(levels) + "\n")
    with pytest.raises(InstrumentError, match="expands to more than"):
        read_yaml(doc, error=InstrumentError, what="instrument")


@pytest.mark.parametrize("text,words", [
    ("x: !!python/object/apply:os.system ['echo owned']\n", "tag"),
    ("x: !!binary aGVsbG8=\n", "tag"),
    ("x: !custom 1\n", "tag"),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ("x: [unclosed\n", "not valid YAML (line"),
    ("a: 1\n---\nb: 2\n", "not valid YAML"),
])
def test_yaml_refusals_name_the_problem(tmp_path, text, words):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(InstrumentError) as info:
        read_yaml(p, error=InstrumentError, what="instrument")
    assert words in str(info.value) and "bad.yaml" in str(info.value)
    assert "\n" not in str(info.value)


def test_yaml_that_is_not_utf8_gives_line_and_byte(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes(b"title: ok\nlabel: Caf\xe9\n")
    with pytest.raises(InstrumentError, match=r"line 2, byte 21 \(0xE9\)"):
        read_yaml(p, error=InstrumentError, what="instrument")


@pytest.mark.parametrize("make_args", [
    lambda bomb: ["validate", SAMPLE_SURVEY, "--instrument", bomb],
    lambda bomb: ["codebook", "check", bomb],
    lambda bomb: ["rank", SAMPLE_RANKINGS, "--measures", bomb],
    lambda bomb: ["validate", SAMPLE_SURVEY, "--mapping", bomb],
])
def test_every_yaml_input_of_the_cli_refuses_the_bomb(tmp_path, make_args):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS)
    started = time.perf_counter()
    result = run_cli(*make_args(bomb), timeout=120)
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    assert "bomb.yaml" in line and "aliases" in line
    assert time.perf_counter() - started < 60


# -- paths that are not regular files ------------------------------------------------------------------

def _fifo(tmp_path):
    p = tmp_path / "pipe.csv"
    os.mkfifo(p)
    return p, "named pipe"


def _socket(tmp_path):
    p = tmp_path / "sock.csv"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(p))
    return p, "socket"


def _directory(tmp_path):
    d = tmp_path / "folder.csv"
    d.mkdir()
    return d, "directory"


COMMANDS = {
    "validate": lambda p: ["validate", p],
    "rank": lambda p: ["rank", p],
    "instrument": lambda p: ["validate", SAMPLE_SURVEY, "--instrument", p],
    "codebook": lambda p: ["codebook", "check", p],
    "agree": lambda p: ["agree", p, p],
    "report": lambda p: ["report", "--survey", p, "--out", "{out}"],
}
KINDS = {"fifo": _fifo, "socket": _socket, "device": lambda t: ("/dev/zero", "character device"),
         "directory": _directory}


@pytest.mark.parametrize("kind,command", [(k, "validate") for k in KINDS] + [("fifo", c) for c in COMMANDS
                                                                                if c != "validate"])
def test_special_files_are_refused_without_hanging(tmp_path, kind, command):
    path, words = KINDS[kind](tmp_path)
    args = [str(a).replace("{out}", str(tmp_path / "out")) for a in COMMANDS[command](path)]
    try:
        result = run_cli(*args, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args} hung on a {words}")
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    assert words in line, line
    assert not (tmp_path / "out").exists()


def test_symlink_loop_and_dangling_link_are_named(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    result = run_cli("validate", a)
    assert result.returncode == 2 and "loop of symbolic links" in one_line(result)
    dangling = tmp_path / "gone.csv"
    dangling.symlink_to(tmp_path / "deleted.csv")
    result = run_cli("inspect", dangling)
    assert result.returncode == 2 and "symbolic link to a file that does not exist" in one_line(result)


def test_code_out_naming_a_folder_is_one_line(tmp_path):
    result = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", tmp_path, "--view", "frequency")
    assert result.returncode == 2
    assert "it is a folder" in one_line(result)
    assert list(tmp_path.iterdir()) == []


# -- instrument values of the wrong type ----------------------------------------------------------------

def _instrument_variant(tmp_path, change) -> str:
    import yaml

    doc = yaml.safe_load((CODEBOOKS / "professional_survey.yaml").read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    change(doc)
    p = tmp_path / "instrument.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(p)


def _aliases(doc):
    for scale in doc["scales"].values():
        for option in scale["options"]:
            if "aliases" in option:
                option["aliases"] = 5
                return
    raise AssertionError("no option with aliases in the shipped instrument")


def _top_box(doc):
    for scale in doc["scales"].values():
        if "top_box" in scale:
            scale["top_box"] = 1
            return
    raise AssertionError("no scale with top_box in the shipped instrument")


@pytest.mark.parametrize("change,key", [
    (lambda d: d.__setitem__("sectors", 5), "sectors"),
    (_aliases, "aliases"),
    (_top_box, "top_box"),
])
def test_instrument_value_of_the_wrong_type_is_one_line(tmp_path, change, key):
    path = _instrument_variant(tmp_path, change)
    result = run_cli("validate", SAMPLE_SURVEY, "--instrument", path)
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    assert "instrument.yaml" in line and key in line
