"""REFI-QDA projects: ``code export --to qdpx`` and ``code import`` (issue 11 point 6)."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from conftest import EXTERNAL

NS = "{urn:QDA-XML:project:1.0}"
SCHEMA = EXTERNAL / "refi_qda" / "schema" / "Project.xsd"
GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:surveykit:codebook")

CODEBOOK = """\
id: small
title: Small
version: "1"
themes:
  - {id: exploitation, label: Exploitation}
  - {id: belonging, label: Belonging}
codes:
  - {id: debt_bondage, label: Debt bondage, theme: exploitation, definition: Owing money., patterns: ["debt*"]}
  - {id: trafficker_control, label: Trafficker control, theme: exploitation, patterns: ["traffick*"]}
  - {id: isolation, label: Isolation, theme: belonging, patterns: ["lonely"]}
"""
ANSWERS = [
    ("R1", "They owe a debt to the traffickers.", "ngo", "caseworker"),
    ("R2", "She felt lonely in the hostel.", "health", "nurse"),
    ("R3", "Nothing to add here.", "legal", ""),
    ("R4", "Mail me at jo.bloggs@example.org, the traffickers call them.", "ngo", "manager"),
]
# spans: R1 "debt" (11-15), R1 whole answer, R2 "lonely" (9-15), R3 no code, R4 "traffickers" (38-49)
CODED = """\
respondent_id,question_id,code_id,coder,start,end,coded_at,memo
R1,q7,debt_bondage,ann,11,15,2026-01-05T10:00:00Z,Owes the smugglers too
R1,q7,trafficker_control,ann,,,2026-01-05T10:00:00Z,
R2,q7,isolation,bob,9,15,2026-01-05T11:00:00Z,
R3,q7,,ann,,,2026-01-05T12:00:00Z,
R4,q7,trafficker_control,ann,38,49,,
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    pd.DataFrame(ANSWERS, columns=["respondent_id", "answer", "sector", "role"]).to_csv(tmp_path / "ans.csv", index=False)
    (tmp_path / "coded.csv").write_text(CODED)
    journal = {"event": "memo", "target": "code", "code_id": "isolation", "text": "Covers language barriers too",
               "coder": "ann", "at": "2026-01-05T12:30:00Z"}
    (tmp_path / "coded.journal.jsonl").write_text(json.dumps(journal) + "\n")
    return tmp_path


def _export(cli, d, out="p.qdpx", *extra):
    return cli("code", "export", d / "coded.csv", "--to", "qdpx", "--out", d / out, "--answers", d / "ans.csv",
               "--text-column", "answer", "--attributes", "sector,role", "--codebook", d / "cb.yaml", *extra)


def _project(path):
    with zipfile.ZipFile(path) as zf:
        return ET.fromstring(zf.read("project.qde")), {n: zf.read(n) for n in zf.namelist()}, zf.infolist()


def test_export_structure_read_independently(cli, files, external):
    r = _export(cli, files, "p.qdpx", "--no-redact")
    assert r.returncode == 0, r.stderr
    root, members, infos = _project(files / "p.qdpx")
    import xmlschema

    assert list(xmlschema.XMLSchema(str(SCHEMA)).iter_errors(members["project.qde"])) == []
    users = {u.get("guid"): u.get("name") for u in root.iter(NS + "User")}
    assert sorted(users.values()) == ["ann", "bob"]
    codes = {c.get("guid"): c for c in root.iter(NS + "Code")}
    for cid in ("debt_bondage", "trafficker_control", "isolation"):  # GUID from the id, id in the description
        guid = str(uuid.uuid5(GUID_NS, f"code:{cid}")).upper()
        assert f"surveykit id: {cid}" in codes[guid].find(NS + "Description").text
    name_of = {g: c.get("name") for g, c in codes.items()}
    variables = {v.get("guid"): v.get("name") for v in root.iter(NS + "Variable")}
    sources = {}
    for src in root.iter(NS + "TextSource"):
        vals = {variables[vv.find(NS + "VariableRef").get("targetGUID")]: vv[1].text for vv in src.iter(NS + "VariableValue")}
        text = members["sources/" + src.get("plainTextPath").removeprefix("internal://")].decode()
        sels = [(int(s.get("startPosition")), int(s.get("endPosition")),
                 sorted((name_of[c.find(NS + "CodeRef").get("targetGUID")], users[c.get("creatingUser")],
                         c.get("creationDateTime")) for c in s.iter(NS + "Coding")))
                for s in src.iter(NS + "PlainTextSelection")]
        sources[vals["respondent_id"]] = (text, sorted(sels), vals)
    assert {k: v[0] for k, v in sources.items()} == {a[0]: a[1] for a in ANSWERS}  # each answer a text source
    t1 = ANSWERS[0][1]
    assert sources["R1"][1] == [(0, len(t1), [("Trafficker control", "ann", "2026-01-05T10:00:00Z")]),
                                (11, 15, [("Debt bondage", "ann", "2026-01-05T10:00:00Z")])]
    assert t1[11:15] == "debt" and sources["R2"][1] == [(9, 15, [("Isolation", "bob", "2026-01-05T11:00:00Z")])]
    assert sources["R3"][1] == [] and sources["R3"][2]["reviewed"] == "true"
    assert sources["R4"][1][0][2] == [("Trafficker control", "ann", None)]
    # Cases: one per respondent, with sector and role as attributes and a reference to the answer.
    cases = {c.get("name"): c for c in root.iter(NS + "Case")}
    assert sorted(cases) == ["R1", "R2", "R3", "R4"]
    vals = {variables[vv.find(NS + "VariableRef").get("targetGUID")]: vv[1].text for vv in cases["R2"].iter(NS + "VariableValue")}
    assert vals == {"sector": "health", "role": "nurse"}
    assert len(cases["R2"].findall(NS + "SourceRef")) == 1
    # Memos: the answer memo referenced from R1's source, the code memo from the code.
    notes = {n.get("guid"): n.find(NS + "PlainTextContent").text for n in root.iter(NS + "Note")}
    r1 = next(s for s in root.iter(NS + "TextSource") if s.get("name").startswith("R1"))
    assert [notes[n.get("targetGUID")] for n in r1.findall(NS + "NoteRef")] == ["Owes the smugglers too"]
    iso = codes[str(uuid.uuid5(GUID_NS, "code:isolation")).upper()]
    assert [notes[n.get("targetGUID")] for n in iso.findall(NS + "NoteRef")] == ["Covers language barriers too"]
    # Deterministic archive: fixed timestamps, project.qde first.
    assert infos[0].filename == "project.qde" and {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_export_is_byte_identical_and_redacts_by_default(cli, files):
    for name in ("a.qdpx", "b.qdpx"):
        r = _export(cli, files, name)
        assert r.returncode == 0, r.stderr
        assert "redaction" in r.stderr
    assert (files / "a.qdpx").read_bytes() == (files / "b.qdpx").read_bytes()
    root, members, _ = _project(files / "a.qdpx")
    r4 = next(s for s in root.iter(NS + "TextSource") if s.get("name").startswith("R4"))
    text = members["sources/" + r4.get("plainTextPath").removeprefix("internal://")].decode()
    assert "jo.bloggs" not in text and "[email]" in text
    sel = r4.find(NS + "PlainTextSelection")  # the span moved with the text: still the word 'traffickers'
    assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == "traffickers"


def test_round_trip_keeps_ids_spans_coders_times_and_memos(cli, files):
    assert _export(cli, files, "p.qdpx", "--no-redact").returncode == 0
    r = cli("code", "import", files / "p.qdpx", "--out", files / "back" / "coded.csv")
    assert r.returncode == 0, r.stderr
    back = pd.read_csv(files / "back" / "coded.csv", dtype=str, keep_default_na=False)
    orig = pd.read_csv(files / "coded.csv", dtype=str, keep_default_na=False)
    key = ["respondent_id", "question_id", "code_id", "coder", "start", "end", "coded_at"]
    assert sorted(map(tuple, back[key].values.tolist())) == sorted(map(tuple, orig[key].values.tolist()))

    def memos(d):  # a memo is on the answer, whichever of its rows carries it
        return sorted((r, m) for r, m in zip(d.respondent_id, d.memo) if m)

    assert memos(back) == memos(orig) == [("R1", "Owes the smugglers too")]
    journal = [json.loads(x) for x in (files / "back" / "coded.journal.jsonl").read_text().splitlines()]
    assert [(j["target"], j["code_id"], j["text"]) for j in journal] == [("code", "isolation", "Covers language barriers too")]
    # Importing again adds no second copy of the memo.
    assert cli("code", "import", files / "p.qdpx", "--out", files / "back" / "coded.csv").returncode == 0
    assert len((files / "back" / "coded.journal.jsonl").read_text().splitlines()) == 1


def test_codebook_ids_survive_a_qda_tool_renaming_codes(cli, files):
    """A QDA package may rename codes; the ids come back from the descriptions."""
    assert _export(cli, files, "p.qdpx").returncode == 0
    with zipfile.ZipFile(files / "p.qdpx") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(b'name="Debt bondage"', b'name="Money owed (renamed)"')
    with zipfile.ZipFile(files / "renamed.qdpx", "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    r = cli("codebook", "import", files / "renamed.qdpx", "--out", files / "cb_back.yaml")
    assert r.returncode == 0, r.stderr
    from surveykit.coding.codebook import load_codebook

    back = load_codebook(files / "cb_back.yaml")
    assert list(back.code_ids) == ["debt_bondage", "trafficker_control", "isolation"]
    assert [t.id for t in back.themes] == ["exploitation", "belonging"]
    assert back.code("debt_bondage").label == "Money owed (renamed)" and back.code("debt_bondage").definition == "Owing money."
    r = cli("code", "import", files / "renamed.qdpx")
    assert r.returncode == 0 and "debt_bondage" in r.stdout


def test_export_from_the_sample_survey_with_profile_attributes(cli, tmp_path):
    from conftest import SAMPLE_DIR, SAMPLE_SURVEY

    gold = SAMPLE_DIR / "q7_coded_gold.csv"
    r = cli("code", "export", gold, "--to", "qdpx", "--survey", SAMPLE_SURVEY, "--out", tmp_path / "s.qdpx")
    assert r.returncode == 0, r.stderr
    root, _, _ = _project(tmp_path / "s.qdpx")
    survey = pd.read_csv(SAMPLE_SURVEY, dtype=str, keep_default_na=False, header=None)
    variables = {v.get("guid"): v.get("name") for v in root.iter(NS + "Variable")}
    assert {"sector", "role"} <= set(variables.values())
    case = next(iter(root.iter(NS + "Case")))
    vals = {variables[vv.find(NS + "VariableRef").get("targetGUID")]: vv[1].text for vv in case.iter(NS + "VariableValue")}
    assert vals["sector"] and case.get("name") in set(survey[0])
    coded = pd.read_csv(gold, dtype=str, keep_default_na=False)
    assert len(list(root.iter(NS + "Coding"))) == int((coded.code_id != "").sum())


def _codings_of(path):
    root, members, _ = _project(path)
    return root, members


def test_import_qualcoder_project(cli, tmp_path, external):
    path = external / "refi_qda" / "qc_demo_project.qdpx"
    root, members = _codings_of(path)
    expected = []
    for src in root.iter(NS + "TextSource"):
        for sel in src.iter(NS + "PlainTextSelection"):
            for c in sel.iter(NS + "Coding"):
                expected.append((src.get("plainTextPath").rsplit(".", 1)[0], int(sel.get("startPosition")),
                                 int(sel.get("endPosition")), c.find(NS + "CodeRef").get("targetGUID").lower()))
    assert len(expected) == 205  # SOURCES.md: 205 codings over 2 text sources
    r = cli("code", "import", path, "--out", tmp_path / "qc.csv", "--question", "board")
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(tmp_path / "qc.csv", dtype=str, keep_default_na=False)
    assert len(got) == 205 and set(got.coder) == {"cp"} and set(got.question_id) == {"board"}
    # Code ids: the ones 'codebook import' gives the same project.
    from surveykit.coding.refi import qdc_to_codebook

    _, summary = qdc_to_codebook(members["project.qde"], source=str(path))
    assert sorted(zip(got.respondent_id, got.start.astype(int), got.end.astype(int), got.code_id)) == sorted(
        (s, a, b, summary.code_ids[g]) for s, a, b, g in expected)
    text = members["sources/board_2017.txt"].decode()
    assert all(0 <= int(a) < int(b) <= len(text) for a, b in zip(got.start, got.end))


@pytest.mark.parametrize("name", ["qc_nvivo_mac15_project.qdpx", "ponte_atlasti23_target_project.qdpx",
                                  "ponte_atlasti23_blank_project.qdpx"])
def test_import_projects_without_codings(cli, tmp_path, external, name):
    r = cli("code", "import", external / "refi_qda" / name, "--out", tmp_path / "x.csv",
            "--schema", SCHEMA)
    assert r.returncode == 1 and "no codings" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def _zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    return path


def test_bad_projects_one_line_exit_2_nothing_written(cli, files, external):
    assert _export(cli, files, "good.qdpx").returncode == 0
    with zipfile.ZipFile(files / "good.qdpx") as zf:
        good = {n: zf.read(n) for n in zf.namelist()}
    bad_ref = dict(good)
    iso = str(uuid.uuid5(GUID_NS, "code:isolation")).upper().encode()
    assert b'<CodeRef targetGUID="' + iso in good["project.qde"]
    bad_ref["project.qde"] = good["project.qde"].replace(b'<CodeRef targetGUID="' + iso,
                                                         b'<CodeRef targetGUID="00000000-0000-0000-0000-000000000000')
    cases = {
        "notzip.qdpx": b"this is not a zip",
        "noproject.qdpx": None,
        "malformed.qdpx": {"project.qde": b"<Project name='x'><Users>"},
        "badref.qdpx": bad_ref,
        "foreign.qdpx": {"project.qde": b"<Foo xmlns='urn:other'/>"},
        "badspan.qdpx": {**good, "project.qde": good["project.qde"].replace(b'startPosition="9"', b'startPosition="x9"')},
    }
    for name, content in cases.items():
        p = files / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        elif content is None:
            _zip(p, {"readme.txt": b"hello"})
        else:
            _zip(p, content)
        before = p.read_bytes()
        out = files / f"{name}.csv"
        r = cli("code", "import", p, "--out", out)
        assert r.returncode == 2, (name, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, name
        assert name in r.stderr and not out.exists() and p.read_bytes() == before
    # A project that breaks the schema (an unknown element) is caught with --schema.
    odd = dict(good)
    odd["project.qde"] = good["project.qde"].replace(b"<Users>", b"<Oddity/><Users>")
    _zip(files / "odd.qdpx", odd)
    r = cli("code", "import", files / "odd.qdpx", "--schema", SCHEMA, "--out", files / "odd.csv")
    assert r.returncode == 2 and "does not validate" in r.stderr and not (files / "odd.csv").exists()


def test_zip_bomb_and_zip_slip(cli, tmp_path, files):
    assert _export(cli, files, "good.qdpx").returncode == 0
    with zipfile.ZipFile(files / "good.qdpx") as zf:
        good = {n: zf.read(n) for n in zf.namelist()}
    for size, said in ((30_000_000, "larger than"), (5_000_000, "zip bomb")):
        bomb = _zip(tmp_path / "bomb.qdpx", {**good, "sources/huge.txt": b"0" * size})
        assert bomb.stat().st_size < 100_000
        r = cli("code", "import", bomb, "--out", tmp_path / "b.csv")
        assert r.returncode == 2 and said in r.stderr and not (tmp_path / "b.csv").exists()
    slip = _zip(tmp_path / "slip.qdpx", {**good, "../../evil.txt": b"x", "sources/../../../evil2.txt": b"y",
                                          "/abs/evil3.txt": b"z"})
    work = tmp_path / "work"
    work.mkdir()
    r = cli("code", "import", slip, "--out", work / "s.csv")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in work.iterdir()) == [".surveykit-files.json", "s.csv", "s.journal.jsonl"]
    assert not list(tmp_path.parent.glob("evil*")) and not (tmp_path / "evil.txt").exists()


def test_export_bad_input(cli, files):
    r = cli("code", "export", files / "coded.csv", "--to", "nvivo", "--out", files / "x.qdpx")
    assert r.returncode == 2 and "--to" in r.stderr and not (files / "x.qdpx").exists()
    r = cli("code", "export", files / "coded.csv", "--out", files / "x.qdpx", "--codebook", files / "cb.yaml")
    assert r.returncode == 2 and "--survey" in r.stderr and not (files / "x.qdpx").exists()
    (files / "wide_span.csv").write_text(CODED.replace("R2,q7,isolation,bob,9,15", "R2,q7,isolation,bob,9,150"))
    r = cli("code", "export", files / "wide_span.csv", "--out", files / "x.qdpx", "--answers", files / "ans.csv",
            "--text-column", "answer", "--codebook", files / "cb.yaml")
    assert r.returncode == 2 and "outside the answer" in r.stderr and not (files / "x.qdpx").exists()
    assert len(r.stderr.strip().splitlines()) == 1
    (files / "unknown.csv").write_text(CODED.replace("R2,q7,isolation", "R2,q7,no_such_code"))
    r = cli("code", "export", files / "unknown.csv", "--out", files / "x.qdpx", "--answers", files / "ans.csv",
            "--text-column", "answer", "--codebook", files / "cb.yaml")
    assert r.returncode == 2 and "no_such_code" in r.stderr and not (files / "x.qdpx").exists()


def test_export_help_has_example(cli):
    for cmd in (("code", "export"), ("code", "import")):
        r = cli(*cmd, "--help")
        assert r.returncode == 0 and "Example:" in r.stdout


def test_free_text_profile_answers_are_redacted_in_the_project(cli, tmp_path):
    """A role typed into the survey travels as a case variable: redacted by default, like the answers."""
    import csv

    from conftest import SAMPLE_DIR, SAMPLE_SURVEY

    rows = list(csv.reader(SAMPLE_SURVEY.open(encoding="utf-8", newline="")))
    role = next(j for j, v in enumerate(rows[2]) if v == "Missing persons coordinator")
    rows[2][role] = "Ask for Jane Doe at 12 Acacia Road"
    survey = tmp_path / "survey.csv"
    with survey.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    gold = SAMPLE_DIR / "q7_coded_gold.csv"
    r = cli("code", "export", gold, "--to", "qdpx", "--survey", survey, "--out", tmp_path / "s.qdpx")
    assert r.returncode == 0, r.stderr
    _, members, _ = _project(tmp_path / "s.qdpx")
    assert b"Jane Doe" not in members["project.qde"] and b"Acacia" not in members["project.qde"]
    r = cli("code", "export", gold, "--to", "qdpx", "--survey", survey, "--out", tmp_path / "raw.qdpx", "--no-redact")
    assert r.returncode == 0, r.stderr
    assert b"Jane Doe" in _project(tmp_path / "raw.qdpx")[1]["project.qde"]
