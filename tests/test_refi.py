"""REFI-QDA interchange: ``codebook export --to qdc`` and ``codebook import FILE.qdc|FILE.qdpx``."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from surveykit.coding.codebook import load_codebook, parse_codebook
from surveykit.coding.refi import codebook_to_qdc, qdc_to_codebook, stable_guid, validate_qdc
from conftest import CODEBOOKS, EXTERNAL

SCHEMA = EXTERNAL / "refi_qda" / "schema" / "Codebook.xsd"
REFI_FILES = sorted(p.name for p in (EXTERNAL / "refi_qda").glob("*.qd[cp]*")) if EXTERNAL.is_dir() else []

SMALL = """\
id: small
title: Small test codebook
version: "2"
themes:
  - {id: exploitation, label: Exploitation, description: Being exploited again}
  - {id: belonging, label: Belonging}
codes:
  - id: debt_bondage
    label: Debt bondage
    theme: exploitation
    definition: Owing money to traffickers.
    include: [working off a debt]
    exclude: [ordinary pocket money]
    patterns: [debt*]
  - id: trafficker_control
    label: Trafficker control
    theme: exploitation
    patterns: [traffick*]
  - id: isolation
    label: Isolation & loneliness <no friends>
    theme: belonging
    definition: Feeling alone.
"""


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.yaml"
    p.write_text(SMALL)
    return p


def _xml_codes(xml: bytes):
    """Independent reading with the standard library: every Code element, namespace-agnostic."""
    root = ET.fromstring(xml)
    return [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Code"]


def _project_xml(path: Path) -> bytes:
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as zf:
            return zf.read("project.qde")
    return path.read_bytes()


def test_export_structure_and_guids(small):
    cb = load_codebook(small)
    xml = codebook_to_qdc(cb)
    assert xml == codebook_to_qdc(load_codebook(small))  # deterministic
    root = ET.fromstring(xml)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    top = root.findall("{urn:QDA-XML:codebook:1.0}Codes/{urn:QDA-XML:codebook:1.0}Code")
    assert [t.get("name") for t in top] == ["Exploitation", "Belonging"]
    assert all(t.get("isCodable") == "false" for t in top)
    kids = top[0].findall("{urn:QDA-XML:codebook:1.0}Code")
    assert [k.get("name") for k in kids] == ["Debt bondage", "Trafficker control"]
    assert all(k.get("isCodable") == "true" for k in kids)
    desc = kids[0].find("{urn:QDA-XML:codebook:1.0}Description").text
    assert "Owing money to traffickers." in desc and "Include: working off a debt" in desc
    # uuid5 from the code id: independent of the label and of the codebook's other content
    assert kids[0].get("guid") == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "urn:surveykit:codebook"),
                                                 "code:debt_bondage")).upper()
    assert stable_guid("code", "debt_bondage") != stable_guid("theme", "debt_bondage")


def test_export_validates_against_schema(small, external):
    problems = validate_qdc(codebook_to_qdc(load_codebook(small)), SCHEMA)
    assert problems == []


def test_shipped_codebook_exports_valid(external):
    path = CODEBOOKS / "missing_reasons.yaml"
    if not path.exists():
        pytest.skip("codebooks/missing_reasons.yaml not written yet")
    cb = load_codebook(path)
    xml = codebook_to_qdc(cb)
    assert validate_qdc(xml, SCHEMA) == []
    codes = _xml_codes(xml)
    assert len(codes) == len(cb.themes) + len(cb.codes)
    assert len({c.get("guid") for c in codes}) == len(codes)


def test_round_trip_export_import(small):
    cb = load_codebook(small)
    back, summary = qdc_to_codebook(codebook_to_qdc(cb), source="small.qdc")
    assert (summary.themes, summary.codes, summary.max_depth) == (2, 3, 2)
    assert [t.label for t in back.themes] == [t.label for t in cb.themes]
    assert [c.label for c in back.codes] == [c.label for c in cb.codes]
    assert [c.definition for c in back.codes] == [c.definition for c in cb.codes]
    assert back.codes[0].include == ("working off a debt",) and back.codes[0].exclude == ("ordinary pocket money",)
    assert [back.theme(c.theme).label for c in back.codes] == [cb.theme(c.theme).label for c in cb.codes]
    assert all(c.patterns == () for c in back.codes)


def test_cli_export_then_import(cli, small, tmp_path, external):
    qdc = tmp_path / "out" / "small.qdc"
    r = cli("codebook", "export", small, "--to", "qdc", "--out", qdc)
    assert r.returncode == 0, r.stderr
    assert validate_qdc(qdc.read_bytes(), SCHEMA) == []
    back = tmp_path / "back.yaml"
    r = cli("codebook", "import", qdc, "--out", back)
    assert r.returncode == 0, r.stderr
    doc = yaml.safe_load(back.read_text())
    cb = parse_codebook(doc, path=str(back))  # our own loader accepts the result
    assert len(cb.codes) == 3 and len(cb.themes) == 2
    # Without --out, both print to stdout and write nothing next to the input.
    r = cli("codebook", "export", small, "--to", "qdc")
    assert r.returncode == 0 and r.stdout.encode() == qdc.read_bytes()
    r = cli("codebook", "import", qdc)
    assert r.returncode == 0 and yaml.safe_load(r.stdout) == doc
    assert sorted(p.name for p in qdc.parent.iterdir()) == [".surveykit-files.json", "small.qdc"]
    r = cli("codebook", "export", small, "--to", "nvivo", "--out", tmp_path / "x.qdc")
    assert r.returncode == 2 and "--to" in r.stderr and not (tmp_path / "x.qdc").exists()


@pytest.mark.parametrize("name", REFI_FILES)
def test_import_every_external_refi_file(cli, tmp_path, name):
    path = EXTERNAL / "refi_qda" / name
    xml = _project_xml(path)
    codes = _xml_codes(xml)
    root = ET.fromstring(xml)
    top = [el for el in root.iter() if el.tag.endswith("}Codes") or el.tag == "Codes"]
    top_codes = [c for t in top for c in t if c.tag.rsplit("}", 1)[-1] == "Code"]
    parents = [c for c in top_codes if any(k.tag.rsplit("}", 1)[-1] == "Code" for k in c)]
    cb, summary = qdc_to_codebook(xml, source=str(path))
    assert summary.refi_codes == len(codes)
    assert summary.themes == len(parents) + (1 if len(top_codes) > len(parents) else 0)
    assert summary.codes == len(codes) - len(parents)
    out = tmp_path / "imported.yaml"
    r = cli("codebook", "import", path, "--out", out)
    if not codes:
        # ATLAS.ti's blank project has no CodeBook element: read as empty, refused by the CLI.
        assert r.returncode == 2 and "no codes" in r.stderr and not out.exists()
        return
    assert r.returncode == 0, r.stderr
    loaded = load_codebook(out)
    assert len(loaded.codes) == summary.codes
    assert len({c.id for c in loaded.codes}) == len(loaded.codes)


def test_nvivo_nested_codebook_flattening(external):
    path = EXTERNAL / "refi_qda" / "qc_nvivo_mac15_project.qdpx"
    xml = _project_xml(path)
    codes = _xml_codes(xml)
    assert len(codes) == 262  # SOURCES.md: a nested codebook of 262 codes
    cb, summary = qdc_to_codebook(xml, source=str(path))
    assert summary.max_depth > 2
    assert [t.id for t in cb.themes] == ["rq1_definition", "rq2_curriculum_and_instruction", "rq3_process"]
    prog = cb.code("competencies__programming")
    assert prog.label == "competencies > programming" and prog.theme == "rq1_definition"
    deepest = max(cb.codes, key=lambda c: c.id.count("__"))
    assert deepest.id.count("__") == summary.max_depth - 2


def test_taguette_quirks(external):
    path = EXTERNAL / "refi_qda" / "uto_tag_taguette141_codebook.qdc"
    # Taguette's file fails strict validation (empty <Sets/>), but we read it.
    assert validate_qdc(path.read_bytes(), SCHEMA) != []
    cb, _ = qdc_to_codebook(path.read_bytes(), source=str(path))
    assert [t.id for t in cb.themes] == ["uncategorised"]
    assert len(cb.codes) == 3


def test_namespace_variants_and_no_declaration():
    for xmlns in ('xmlns="urn:QDA-XML:codebook:1.0"', 'xmlns="urn:QDA-XML:project:1.0"', ""):
        xml = (f'<CodeBook {xmlns}><Codes><Code guid="a0a0a0a0-0000-0000-0000-000000000001" name="Top" '
               'isCodable="true"><Code guid="a0a0a0a0-0000-0000-0000-000000000002" name="Leaf one" '
               'isCodable="true"><Description>Def</Description></Code></Code></Codes></CodeBook>').encode()
        cb, _ = qdc_to_codebook(xml)
        assert [(c.id, c.theme, c.definition) for c in cb.codes] == [("leaf_one", "top", "Def")]


def test_malformed_and_hostile_qdc(cli, tmp_path):
    bad = tmp_path / "bad.qdc"
    bad.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"></Codes>')
    out = tmp_path / "bad.yaml"
    r = cli("codebook", "import", bad, "--out", out)
    assert r.returncode == 2 and "well-formed" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xxe = tmp_path / "xxe.qdc"
    xxe.write_text(f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>'
                   '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a0a0a0a0-0000-0000-0000-'
                   '000000000001" name="T" isCodable="true"><Code guid="a0a0a0a0-0000-0000-0000-000000000002" '
                   'name="L" isCodable="true"><Description>&s;</Description></Code></Code></Codes></CodeBook>')
    r = cli("codebook", "import", xxe, "--out", out)
    assert "TOPSECRET" not in (out.read_text() if out.exists() else "") + r.stdout + r.stderr
    notzip = tmp_path / "p.qdpx"
    notzip.write_bytes(b"PK\x03\x04 broken")
    r = cli("codebook", "import", notzip, "--out", out.with_name("z.yaml"))
    assert r.returncode == 2 and not out.with_name("z.yaml").exists()
    other = tmp_path / "o.qdc"
    other.write_text("<Foo/>")
    r = cli("codebook", "import", other, "--out", out.with_name("o.yaml"))
    assert r.returncode == 2 and "CodeBook or Project" in r.stderr
