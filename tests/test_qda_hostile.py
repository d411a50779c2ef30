"""REFI-QDA imports (``codebook import``, ``code import``) given hostile or damaged files: one clear line,
exit 2, quickly, never a value from the file in the message, never a coding moved to another code."""

from __future__ import annotations

import os
import re
import subprocess
import time
import zipfile

import pandas as pd
import pytest

from conftest import run_cli_forked
from test_qdpx import CODEBOOK  # the same small codebook the exchange tests use
from surveykit.coding.qdpx import check_project, parse_project, read_project, validate_with_schema
from surveykit.coding.refi import qdc_to_codebook
from surveykit.errors import CodebookError, InputError
from surveykit.io.coded import read_qda_xml
from surveykit.io.qdpx import read_qdpx

ANSWERS = [
    ("R1", "They owe a debt to the traffickers."),
    ("R2", "She felt lonely in the hostel."),
    ("R3", "The traffickers keep their papers."),
]
CODED = """\
respondent_id,question_id,code_id,coder,start,end,coded_at,memo
R1,q7,debt_bondage,ann,11,15,2026-01-05T10:00:00Z,
R2,q7,isolation,bob,9,15,2026-01-05T11:00:00Z,
R3,q7,trafficker_control,ann,4,15,2026-01-05T12:00:00Z,
"""
QDC_NS = 'xmlns="urn:QDA-XML:codebook:1.0"'


def _one_line(r, *needles):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-2000:]
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _guid(n: int) -> str:
    return "00000000-0000-4000-8000-%012d" % n


# -- fix 5: many codes of one name ---------------------------------------------------------------

def test_many_same_named_codes_import_quickly(tmp_path):
    body = "".join(f'<Code guid="{_guid(i + 2)}" name="Neglect" isCodable="true"/>' for i in range(20_000))
    path = tmp_path / "same.qdc"
    path.write_text(f'<CodeBook {QDC_NS}><Codes><Code guid="{_guid(1)}" name="Harm" isCodable="false">{body}'
                    "</Code></Codes></CodeBook>")
    out = tmp_path / "same.yaml"
    start = time.monotonic()
    # A subprocess with a timeout: the quadratic search took 47 s here; the fix takes about a second.
    try:
        r = run_cli_forked("-m", "surveykit", "codebook", "import", path, "--out", out, timeout=25)
    except subprocess.TimeoutExpired:
        pytest.fail("codebook import of 20,000 same-named codes took more than 25 s")
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - start < 25
    cb, _ = qdc_to_codebook(path.read_bytes(), source=str(path))
    assert [c.id for c in cb.codes[:3]] == ["neglect", "neglect_2", "neglect_3"]
    assert cb.codes[-1].id == "neglect_20000" and len({c.id for c in cb.codes}) == 20_000


def test_ids_of_clashing_names_are_as_before():
    """The suffix scheme is unchanged: the smallest free ``_N``, skipping declared and generated ids."""
    codes = [("Neglect", ""), ("Neglect", ""), ("Neglect 3", ""), ("Neglect", ""),
             ("Neglect", "<Description>surveykit id: neglect_5</Description>"), ("Neglect", ""), ("Neglect 2", ""),
             ("Neglect", "")]
    inner = "".join(f'<Code guid="{_guid(i + 2)}" name="{n}" isCodable="true">{d}</Code>'
                    for i, (n, d) in enumerate(codes))
    xml = (f'<CodeBook {QDC_NS}><Codes><Code guid="{_guid(1)}" name="Harm" isCodable="false">{inner}</Code>'
           f'<Code guid="{_guid(20)}" name="Harm" isCodable="true"/>'
           f'<Code guid="{_guid(21)}" name="Harm" isCodable="true"/>'
           f'<Code guid="{_guid(22)}" name="Uncategorised" isCodable="false">'
           f'<Code guid="{_guid(23)}" name="Harm" isCodable="true"/></Code></Codes></CodeBook>').encode()
    cb, summary = qdc_to_codebook(xml)
    assert [t.id for t in cb.themes] == ["harm", "uncategorised", "uncategorised_2"]
    assert [(c.id, c.theme) for c in cb.codes] == [
        ("neglect", "harm"), ("neglect_2", "harm"), ("neglect_3", "harm"), ("neglect_4", "harm"),
        ("neglect_5", "harm"), ("neglect_6", "harm"), ("neglect_2_2", "harm"), ("neglect_7", "harm"),
        ("harm_4", "uncategorised"), ("harm_2", "uncategorised_2"), ("harm_3", "uncategorised_2")]
    assert summary.code_ids[_guid(5)] == "neglect_4"


# -- fix 6: pipes and devices ----------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("args", [("codebook", "import", "p.qdc"), ("codebook", "import", "p.qdpx"),
                                  ("code", "import", "p.qdpx")])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path, args):
    for name in ("p.qdc", "p.qdpx"):
        os.mkfifo(tmp_path / name)
    try:
        r = run_cli_forked("-m", "surveykit", *args[:2], tmp_path / args[2], "--out", tmp_path / "out.x", timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} waited on a named pipe")
    _one_line(r, "named pipe", args[2])
    assert not (tmp_path / "out.x").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
@pytest.mark.parametrize("args", [("codebook", "import", "z.qdc"), ("code", "import", "/dev/zero")])
def test_an_endless_device_is_refused_not_read(tmp_path, args):
    (tmp_path / "z.qdc").symlink_to("/dev/zero")
    target = args[2] if args[2].startswith("/") else str(tmp_path / args[2])
    try:
        r = run_cli_forked("-m", "surveykit", *args[:2], target, "--out", tmp_path / "o.x", timeout=60,
                           limit_as=2 * 1024 ** 3)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} kept reading a device")
    _one_line(r, "character device")


def test_devices_are_refused_by_the_readers(cli, tmp_path):
    (tmp_path / "n.qdc").symlink_to(os.devnull)
    (tmp_path / "n.qdpx").symlink_to(os.devnull)
    for reader, name in ((read_qda_xml, "n.qdc"), (read_qda_xml, "n.qdpx"), (read_qdpx, "n.qdpx")):
        with pytest.raises(InputError, match="got a character device"):
            reader(tmp_path / name)
    _one_line(cli("codebook", "import", tmp_path / "n.qdc"), "expected a .qdc or .qdpx file, got a character device")
    _one_line(cli("code", "import", tmp_path / "n.qdpx", "--out", tmp_path / "o.csv"),
              "expected a .qdpx file, got a character device")
    _one_line(cli("code", "import", tmp_path, "--out", tmp_path / "o.csv"), "got a directory")
    _one_line(cli("code", "import", tmp_path / "missing.qdpx", "--out", tmp_path / "o.csv"), "file not found")


def test_a_zip_named_qdc_is_still_read_as_a_project(cli, files):
    data = (files / "p.qdpx").read_bytes()
    (files / "p.qdc").write_bytes(data)
    assert read_qda_xml(files / "p.qdc") == read_qdpx(files / "p.qdpx").project
    assert cli("codebook", "import", files / "p.qdc", "--out", files / "cb2.yaml").returncode == 0


# -- fix 7: duplicate and missing GUIDs --------------------------------------------------------------

@pytest.fixture
def files(cli, tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    pd.DataFrame(ANSWERS, columns=["respondent_id", "answer"]).to_csv(tmp_path / "ans.csv", index=False)
    (tmp_path / "coded.csv").write_text(CODED)
    r = cli("code", "export", tmp_path / "coded.csv", "--to", "qdpx", "--out", tmp_path / "p.qdpx",
            "--answers", tmp_path / "ans.csv", "--text-column", "answer", "--codebook", tmp_path / "cb.yaml")
    assert r.returncode == 0, r.stderr
    return tmp_path


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rezip(path, members, project: str):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project.encode())
        for n, data in members.items():
            if n != "project.qde":
                zf.writestr(n, data)
    return path


def test_the_export_imports_with_its_codes(cli, files):
    r = cli("code", "import", files / "p.qdpx", "--out", files / "back.csv")
    assert r.returncode == 0, r.stderr
    back = pd.read_csv(files / "back.csv")
    assert sorted(back["code_id"]) == ["debt_bondage", "isolation", "trafficker_control"]


def test_two_codes_with_one_guid_are_refused(cli, files):
    members = _members(files / "p.qdpx")
    project = members["project.qde"].decode()
    g = re.findall(r'<Code guid="([^"]+)" name="[^"]+" isCodable="true"', project)
    assert len(g) == 3
    dup = _rezip(files / "dup.qdpx", members, project.replace(g[1], g[0]))
    out = files / "dup.csv"
    line = _one_line(cli("code", "import", dup, "--out", out), "dup.qdpx", "two Code elements share the guid")
    assert re.search(r"line \d+: two Code", line) and not out.exists()
    _one_line(cli("codebook", "import", dup), "two Code elements share the guid")
    # The library refuses it too, whichever way it is called.
    root = parse_project(project.replace(g[1], g[0]).encode(), source="x")
    assert any("two Code elements share the guid" in p for p in check_project(root, source="x"))
    with pytest.raises(CodebookError, match="two Code elements share the guid"):
        qdc_to_codebook(project.replace(g[1], g[0]).encode())
    # A theme (non-codable) sharing a code's GUID is refused as well.
    t = re.findall(r'<Code guid="([^"]+)" name="[^"]+" isCodable="false"', project)
    with pytest.raises(InputError, match="two Code elements share the guid"):
        read_project(project.replace(t[0], g[2]).encode(), source="x", members=members)


def test_two_sources_with_one_guid_or_none_are_refused(cli, files):
    members = _members(files / "p.qdpx")
    project = members["project.qde"].decode()
    s = re.findall(r'<TextSource guid="([^"]+)"', project)
    assert len(s) == 3
    v = re.findall(r'<Variable guid="([^"]+)"', project)
    cases = {
        "dupsrc.qdpx": (project.replace(s[1], s[0]), "two TextSource elements share the guid"),
        "nosrcguid.qdpx": (re.sub(r'<TextSource guid="[^"]+"', "<TextSource", project, count=1),
                           "a TextSource has no guid"),
        "nocodeguid.qdpx": (re.sub(r'<Code guid="[^"]+"', "<Code", project, count=1), "a Code has no guid"),
        # respondent_id and question_id: one GUID would read every respondent id as a question id
        "dupvar.qdpx": (project.replace(v[1], v[0]), "two Variable elements share the guid"),
        "nouserguid.qdpx": (re.sub(r'<User guid="[^"]+"', "<User", project, count=1), "a User has no guid"),
    }
    for name, (text, said) in cases.items():
        out = files / f"{name}.csv"
        line = _one_line(cli("code", "import", _rezip(files / name, members, text), "--out", out), name, said)
        assert re.search(r"line \d+: ", line) and not out.exists()


# -- fix 8 and 9: no values in messages ---------------------------------------------------------------

SECRET = "the child said her uncle hits her"

SMALL_XSD = """\
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t"
           elementFormDefault="qualified">
  <xs:element name="Doc">
    <xs:complexType>
      <xs:sequence><xs:element name="Count" type="xs:integer" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="when" type="xs:dateTime"/>
      <xs:attribute name="kind">
        <xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[a-z]+"/></xs:restriction></xs:simpleType>
      </xs:attribute>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


@pytest.mark.parametrize("doc, said", [
    (f"<Doc xmlns='urn:t'>\n<Count>line one {SECRET}\nline two 'quoted' {'x' * 3000}</Count></Doc>",
     "line 2: Count: the value is not a valid xs:integer"),
    (f"<Doc xmlns='urn:t' when='{SECRET}'><Count>1</Count></Doc>",
     "line 1: Doc, attribute when: the value is not a valid xs:dateTime"),
    (f"<Doc xmlns='urn:t' kind=\"{SECRET} ' is not accepted by the pattern 'x'\"><Count>1</Count></Doc>",
     "line 1: Doc, attribute kind: [facet 'pattern'] the value does not match"),
    # libxml2 cuts a message at 64,000 characters: the wording after the value is lost with it
    (f"<Doc xmlns='urn:t'><Count>{SECRET}{' uncle is not ' * 10_000}</Count></Doc>",
     "line 1: Count: the value is not valid for its type"),
    ("<Doc xmlns='urn:t'><Count>1", "not well-formed XML (line 1)"),
])
def test_schema_problems_name_the_rule_not_the_value(doc, said):
    from lxml import etree

    schema = etree.XMLSchema(etree.fromstring(SMALL_XSD.encode()))
    problems = validate_with_schema(doc.encode(), schema)
    assert problems and problems[0].startswith(said), problems
    for p in problems:
        assert "\n" not in p and len(p) < 300 and "uncle" not in p and "line two" not in p


def test_code_import_schema_error_is_one_short_line_without_the_value(cli, files, external):
    schema = external / "refi_qda" / "schema" / "Project.xsd"
    members = _members(files / "p.qdpx")
    project = members["project.qde"].decode()
    assert "<TextValue>R1</TextValue>" in project
    bad_value = project.replace("<TextValue>R1</TextValue>",
                                f"<IntegerValue>line one {SECRET}\nline two {'x' * 3000}</IntegerValue>", 1)
    bad_time = re.sub(r'creationDateTime="[^"]+"', f'creationDateTime="{SECRET}"', project, count=1)
    assert bad_time != project
    for name, text, said in (("v.qdpx", bad_value, "IntegerValue: the value is not a valid xs:integer"),
                             ("t.qdpx", bad_time, "attribute creationDateTime: the value is not a valid xs:dateTime")):
        out = files / f"{name}.csv"
        r = cli("code", "import", _rezip(files / name, members, text), "--schema", schema, "--out", out)
        line = _one_line(r, "does not validate", said)
        assert "uncle" not in r.stderr and "line two" not in r.stderr and len(line) < 500 and not out.exists()
    malformed = _rezip(files / "m.qdpx", members, project[: len(project) // 2])
    _one_line(cli("code", "import", malformed, "--schema", schema, "--out", files / "m.csv"), "not well-formed")


def test_a_long_guid_is_not_echoed_whole(cli, tmp_path):
    path = tmp_path / "noname.qdc"
    path.write_text(f'<CodeBook {QDC_NS}><Codes><Code guid="{"x" * 5000}" isCodable="true"/></Codes></CodeBook>')
    line = _one_line(cli("codebook", "import", path), "has no name")
    assert len(line) < 300
    long_root = tmp_path / "root.qdc"
    long_root.write_text(f"<{'R' * 5000}/>")
    assert len(_one_line(cli("codebook", "import", long_root), "root element")) < 300
