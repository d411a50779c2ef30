"""`code export --to qdpx` makes its project XML a piece at a time (``coding.qdpx_export.ProjectStream``) and
compresses it as it comes (``io.qdpx.qdpx_archive``), so that a large export never holds the XML as a
tree nor as one string (issue 14: at 100,000 respondents the export took 1.76 GB; it now takes 0.68 GB).

The references are independent of that code: lxml's own serialisation of the whole tree (the XML read
back without its indentation and written again with ``pretty_print``), and an archive written member by
member with ``zipfile.ZipFile.writestr`` as the export wrote it before.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

CODEBOOK = """\
id: small
title: Small
version: "1"
themes:
  - {id: exploitation, label: "Exploitation & <harm>", description: "Line one\\nline two"}
  - {id: belonging, label: Belonging}
codes:
  - {id: debt_bondage, label: Debt bondage, theme: exploitation, definition: "Owing money.\\nMore.",
     include: ["a & b"], exclude: ["<c>"], patterns: ["debt*"]}
  - {id: trafficker_control, label: "Trafficker \\"control\\"", theme: exploitation, patterns: ["traffick*"]}
  - {id: isolation, label: Isolation, theme: belonging, patterns: ["lonely"]}
"""
TEXTS = ["They owe a debt to the traffickers.",
         "She felt lonely in the hostel.\nA second line & <tags> \"quoted\" 'single'.",
         "Mail me at jo.bloggs@example.org, the traffickers call them.",
         "Ünïcödé — café naïve 😀 𝔘 debt",
         "Mr Smith said the traffickers took her to Leeds.\r\nThen she was lonely."]
CODES = ["debt_bondage", "trafficker_control", "isolation"]


def _inputs(n: int = 60):
    """Answers with profile attributes and coded rows (spans, whole answers, "no code applies", times;
    the memo column is the command's to read), and memos on a code and an answer (over two lines)."""
    from surveykit.coding.journal import Memo
    from surveykit.coding.qdpx_export import AnswerSource

    answers, rows = [], []
    for i in range(n):
        rid, text = f"R{i:03d}", TEXTS[i % len(TEXTS)] + " more" * (i % 3)
        role = ["caseworker", "nurse", "", "Dr Jones, social worker\nsecond line"][i % 4]
        answers.append(AnswerSource(rid, "q7", text, {"sector": ["ngo", "health"][i % 2], **({"role": role} if role else {})}))
        if i % 5 == 0:
            rows.append((rid, "q7", None, "ann", None, None, "2026-01-05T12:00:00Z", None))
        for k in range(i % 3):
            span = (k, k + 4) if k % 2 == 0 else (None, None)
            rows.append((rid, "q7", CODES[(i + k) % 3], ["ann", "bob", "rules"][k], *span,
                         ["2026-01-05T10:00:00Z", None, "not a time"][k], ["", "a memo", "two\nlines & <x>"][k]))
    coded = pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id", "coder", "start", "end", "coded_at",
                                        "memo"])
    memos = [Memo("code", "Covers language barriers too", "ann", "2026-01-05T12:30:00Z", code_id="isolation"),
             Memo("answer", "On the answer\nover two lines", "bob", None, "R003", "q7")]
    return answers, coded, memos


def _codebook(tmp_path):
    from surveykit.coding.codebook import load_codebook

    path = tmp_path / "cb.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return load_codebook(path)


def _stream(tmp_path, *, redact: bool = True, n: int = 60):
    from surveykit.coding.qdpx_export import ProjectStream

    answers, coded, memos = _inputs(n)
    return ProjectStream(name="Stream <test> & co", codebook=_codebook(tmp_path), answers=answers, coded=coded,
                         memos=memos, redact=redact)


def _whole_tree_serialised(xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@pytest.mark.parametrize("redact", [True, False])
def test_the_pieces_are_lxmls_serialisation_of_the_whole_tree(tmp_path, redact):
    project = _stream(tmp_path, redact=redact)
    pieces = list(project)
    xml = b"".join(pieces)
    assert xml == _whole_tree_serialised(xml)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\"")
    assert b"\n  <Sources>\n    <TextSource " in xml and b">On the answer\nover two lines</PlainTextContent>" in xml
    # A piece per case and per source: no piece holds more than a small part of the project.
    assert len(pieces) > 2 * 60 and max(map(len, pieces)) < len(xml) / 20
    assert project.summary is not None and project.summary.sources == 60 and len(project.files) == 60
    with pytest.raises(RuntimeError):
        iter(project)  # once only: the pieces are made as they are read


def _writestr_archive(xml: bytes, files: dict[str, bytes]) -> bytes:
    """The archive as the export wrote it before: every member whole, with ``writestr``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", xml)] + [("sources/" + n, files[n]) for n in sorted(files)]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def test_the_archive_is_the_one_writestr_makes_of_the_whole_xml(tmp_path):
    from surveykit.io.qdpx import qdpx_archive

    made = []

    def make():
        made.append(_stream(tmp_path))
        return made[-1], made[-1].files

    archive, size = qdpx_archive(make)
    xml = b"".join(_stream(tmp_path))
    assert len(made) == 1 and size == len(xml)
    assert archive == _writestr_archive(xml, made[-1].files)


def test_an_xml_too_large_for_a_32_bit_member_gets_writestrs_zip64_header(tmp_path, monkeypatch):
    """``writestr`` chooses a ZIP64 header from the size; streamed, the size is known only at the end,
    so the project is made a second time. The 4 GiB limit is lowered here to a size these XMLs pass
    (zipfile reads it at every use), and checked after each piece."""
    import surveykit.io.qdpx as qdpx

    xml = b"".join(_stream(tmp_path))
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", len(xml) // 2)
    monkeypatch.setattr(qdpx, "_BLOCK", 1)
    made = []

    def make():
        made.append(_stream(tmp_path))
        return made[-1], made[-1].files

    archive, size = qdpx.qdpx_archive(make)
    assert len(made) == 2 and size == len(xml)
    assert archive == _writestr_archive(xml, made[-1].files)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert zf.read("project.qde") == xml


def test_the_export_command_writes_the_whole_trees_serialisation(cli, tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    answers, coded, _ = _inputs()
    pd.DataFrame([(a.respondent_id, a.text, a.attributes.get("sector", ""), a.attributes.get("role", ""))
                  for a in answers], columns=["respondent_id", "answer", "sector", "role"]).to_csv(
        tmp_path / "ans.csv", index=False)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    journal = {"event": "memo", "target": "code", "code_id": "isolation", "text": "Covers language barriers too",
               "coder": "ann", "at": "2026-01-05T12:30:00Z"}
    (tmp_path / "coded.journal.jsonl").write_text(json.dumps(journal) + "\n")
    out = tmp_path / "p.qdpx"
    r = cli("code", "export", tmp_path / "coded.csv", "--to", "qdpx", "--out", out, "--answers", tmp_path / "ans.csv",
            "--text-column", "answer", "--attributes", "sector,role", "--codebook", tmp_path / "cb.yaml")
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("project.qde")
        files = {n[len("sources/"):]: zf.read(n) for n in zf.namelist() if n.startswith("sources/")}
    assert xml == _whole_tree_serialised(xml) and b"<Note " in xml and b"<Case " in xml
    assert out.read_bytes() == _writestr_archive(xml, files)
