"""inspect shows how each column was mapped and how sure that is; --write-mapping writes an editable
mapping that --mapping reads back."""

from __future__ import annotations

import json
import re

import yaml

Q1 = ("In your current role do you see any relationship between a trafficked child's nationality and the "
      "likelihood of them going missing / how long they go missing for / or if they are found or return after "
      "being missing?")
Q5 = "In your experience, are British nationals recorded as trafficked children?"


def _export(tmp_path):
    path = tmp_path / "forms.csv"
    # Google Forms layout: q1 worded exactly, q5 with a typo (fuzzy), one column nobody can guess.
    q5_typo = Q5.replace("British", "Brtish").replace("recorded", "recordd")
    header = ["Timestamp", "Which sector do you work in?", Q1, q5_typo, "Trafficking nationality Q (short form)"]
    rows = [["2024-01-01 10:00", "NGO", "Yes", "Usually", "No"],
            ["2024-01-01 11:00", "Police", "No", "Never", "Don't know"]]
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header] + rows)
    return path


def test_inspect_shows_method_and_confidence(cli, tmp_path):
    path = _export(tmp_path)
    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    cols = json.loads(result.stdout)["columns"]
    assert (cols[2]["target"], cols[2]["method"], cols[2]["confidence"]) == ("q1", "text", 1.0)
    assert cols[3]["target"] == "q5" and cols[3]["method"] == "text" and 0.82 <= cols[3]["confidence"] < 1.0
    assert cols[4]["target"] is None and cols[4]["method"] == "none"
    table = cli("inspect", path)
    assert "confidence" in table.stdout and "1 unmapped column(s)" in table.stdout


def test_write_mapping_edit_and_pass_back(cli, tmp_path):
    path = _export(tmp_path)
    before = path.read_bytes()
    mapping = tmp_path / "m.yaml"
    result = cli("inspect", path, "--write-mapping", mapping)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr and path.read_bytes() == before
    text = mapping.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    targets = [e["target"] for e in doc["columns"]]
    assert targets == [None, "sector", "q1", "q5", None]
    assert "UNMAPPED" in text and "text, confidence 0." in text
    # The user maps the short-form column to q3 and passes the file back.
    edited = []
    for line in text.splitlines():
        if "Trafficking nationality Q" in line:
            line = line.replace("target: null", "target: q3")
        edited.append(line)
    mapping.write_text("\n".join(edited) + "\n", encoding="utf-8")
    checked = cli("inspect", path, "--mapping", mapping, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    cols = json.loads(checked.stdout)["columns"]
    assert [c["target"] for c in cols] == [None, "sector", "q1", "q5", "q3"]
    assert {c["method"] for c in cols[1:]} == {"mapping"}
    assert cols[0]["method"] == "ignored"
    from surveykit.pipeline import load_responses

    prepared = load_responses(path, mapping=mapping)
    assert prepared.data["q3"].tolist() == ["0", "DK"]
    assert prepared.data["q5"].tolist() == ["3", "0"]
    assert not [i for i in prepared.issues if i.code == "unmapped_column"]


def test_written_mapping_is_deterministic_and_atomic(cli, tmp_path):
    path = _export(tmp_path)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert cli("inspect", path, "--write-mapping", a).returncode == 0
    assert cli("inspect", path, "--write-mapping", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_import_id_mapping_via_qsf(cli, tmp_path, sample_responses):
    """A Qualtrics export whose row-2 labels were truncated (as Qualtrics does) maps through the .qsf."""
    import csv
    import io

    from surveykit.sample.platforms import qsf_document, qualtrics_csv_text

    responses = sample_responses
    rows = list(csv.reader(io.StringIO(qualtrics_csv_text(responses), newline="")))
    rows[1] = [label[:20] + "..." if len(label) > 20 else label for label in rows[1]]
    # Custom export tags, so that the tags do not name the instrument's columns either (they would map).
    rows[0] = [f"custom_{k}" if re.match(r"^(Q\d|sector|role|region)", tag) else tag for k, tag in enumerate(rows[0])]
    export = tmp_path / "truncated_labels.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows[:40])
    export.write_text(buf.getvalue(), encoding="utf-8")
    qsf = tmp_path / "definition.qsf"
    qsf.write_text(json.dumps(qsf_document(responses.instrument)), encoding="utf-8")

    without = json.loads(cli("inspect", export, "--format", "json").stdout)
    assert len(without["instrument_questions_found"]) < 5
    result = cli("inspect", export, "--qsf", qsf, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["instrument_questions_found"]) == 47
    cctv = next(c for c in report["columns"] if c["target"] == "q45_cctv")
    assert cctv["method"] == "import_id" and cctv["confidence"] == 1.0 and "QID48" in cctv["note"]
    validated = cli("validate", export, "--qsf", qsf)
    assert validated.returncode == 0, validated.stdout + validated.stderr
