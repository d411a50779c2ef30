"""The libyaml fast path of ``io.yaml_file`` (issue 14: the report reads its YAML files on its critical
path) gives exactly what the guarded pure-Python loader gives, and leaves every refusal to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from surveykit.io import yaml_file

DATA = Path(yaml_file.__file__).resolve().parents[1] / "data"


def _slow(text: str):
    loader = yaml_file._loader_class()(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


TRICKY = [
    "",
    "# only a comment\n",
    "a: 1\nb: [1, 2.5, .inf, -.inf, 0x1f, 0o17, 1_000]\nc: {d: null, e: ~, f: yes, g: off}\n",
    "when: 2024-01-31\nstamp: 2024-01-31T10:00:00Z\nnum: '007'\n",
    "base: &b {x: 1, y: [a, b]}\nuse: *b\nmerged:\n  <<: *b\n  y: z\n",
    "text: |\n  line one\n  line two\n\nfolded: >-\n  folded\n  text\nplain: it's  spaced   out\n",
    "quoted: \"tab\\there \\u00e9 \\U0001F600\"\nsingle: 'it''s'\nunicode: café – “quotes”\n",
    "- [1, [2, [3, [4]]]]\n- {k: {k: {k: v}}}\n- ? complex key\n  : value\n",
    "key with spaces: value\n'1': one\n1: int one\ntrue: bool key\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_path_equals_guarded_loader(text):
    fast = yaml_file._parse_fast(text)
    assert fast is not yaml_file._NOT_FAST
    assert fast == _slow(text)
    assert yaml_file.parse_yaml_text(text) == _slow(text)


def test_every_shipped_yaml_file_parses_the_same_both_ways():
    files = sorted(DATA.rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yaml_file._parse_fast(text)
        assert fast is not yaml_file._NOT_FAST, path
        assert fast == _slow(text), path


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system x\n",  # a tag: refused by the guarded loader, with its position
    "a: !!binary aGVsbG8=\n",
    "a: &x [1]\n" + "".join(f"k{i}: *x\n" for i in range(yaml_file.MAX_ALIASES + 1)),  # too many aliases
    "a: [" * (yaml_file._FAST_MAX_DEPTH + 5) + "]" * (yaml_file._FAST_MAX_DEPTH + 5) + "\n",  # deep
    "a: 1\n---\nb: 2\n",  # two documents
    "a: [1, 2\n",  # a syntax error
    "a: \x07bell\n",  # a character PyYAML's reader refuses
])
def test_refusals_and_errors_are_left_to_the_guarded_loader(text):
    assert yaml_file._parse_fast(text) is yaml_file._NOT_FAST


def test_a_refusal_reads_as_before(tmp_path):
    from surveykit.errors import SurveykitError

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: !!binary aGVsbG8=\n", encoding="utf-8")
    with pytest.raises(SurveykitError, match=r"line 2, column 4: the tag '.*binary' is not allowed"):
        yaml_file.read_yaml(bad, error=SurveykitError, what="test")


def test_without_libyaml_the_guarded_loader_is_used(monkeypatch):
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert yaml_file._parse_fast("a: 1\n") is yaml_file._NOT_FAST
    assert yaml_file.parse_yaml_text("a: 1\n") == {"a": 1}
