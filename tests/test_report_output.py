"""The report folder: formats, determinism, atomicity, formula injection, bad inputs, a real browser.

These tests run on a small synthetic export written here (free-text answers that look like spreadsheet
formulas included), so they do not depend on the shipped sample.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from surveykit.errors import SurveykitError

FORMULA_ANSWERS = ['=HYPERLINK("http://example.invalid","click")', "-2+3", "+44 7700 900123 call me",
                   "@SUM(A1:A2)", "\tTabbed start"]
PLAIN_ANSWERS = ["Traffickers keep contacting them and they fear deportation.",
                 "The placement was unsuitable, a hostel far from everyone they knew.",
                 "Nobody believed their story, so they left."]


def write_export(path: Path, n: int = 80, seed: int = 7) -> Path:
    """A tidy CSV (columns named by question id) with random valid answers and risky free text."""
    from surveykit.instrument import load_instrument

    inst = load_instrument()
    rng = random.Random(seed)
    sectors = [s.id for s in inst.sectors]
    closed = [((it.id if it else q.id), [o.code for o in q.scale.options]) for q, it in inst.closed_columns()]
    texts = ["q7", "q9", "q14_other_text", "q15_other_text"]
    header = ["respondent_id", "sector", "completed"] + [c for c, _ in closed] + texts
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(n):
            row = [f"R{i:03d}", sectors[i % 4] if i % 10 else rng.choice(sectors), "yes" if i % 5 else "no"]
            row += [rng.choice(opts + [""]) for _, opts in closed]
            pool = FORMULA_ANSWERS + PLAIN_ANSWERS
            row += [pool[(i + k) % len(pool)] if (i + k) % 3 else "" for k in range(len(texts))]
            w.writerow(row)
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    return write_export(tmp_path_factory.mktemp("export") / "survey.csv")


def run_with_stderr_on_a_terminal(args: list[str]) -> subprocess.CompletedProcess:
    """``python -m surveykit ARGS`` as a new process whose stderr is a 120-column pseudo-terminal (where
    rich draws its progress bar, as in a terminal window) and whose stdout is a pipe, so that the data
    on stdout and the messages on stderr stay apart."""
    import errno
    import fcntl
    import os
    import pty
    import select
    import struct
    import sys
    import termios

    master, slave = pty.openpty()
    proc = None
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "120", "TERM": "xterm"}
        proc = subprocess.Popen([sys.executable, "-m", "surveykit", *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        slave = None
        streams = {proc.stdout.fileno(): bytearray(), master: bytearray()}
        stdout, stderr = streams[proc.stdout.fileno()], streams[master]
        while streams:
            ready, _, _ = select.select(list(streams), [], [], 300)
            assert ready, "surveykit report wrote nothing for 5 minutes"
            for fd in ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError as exc:
                    if exc.errno != errno.EIO:
                        raise
                    chunk = b""  # EIO: the last process holding the terminal has closed it
                if chunk:
                    streams[fd].extend(chunk)
                else:
                    del streams[fd]
        code = proc.wait(timeout=60)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)
        if proc is not None:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return subprocess.CompletedProcess(args, code, stdout.decode(), stderr.decode())


@pytest.fixture(scope="module")
def two_runs(export, tmp_path_factory):
    """The report of the synthetic export, written once by ``python -m surveykit report`` run as a user
    runs it in a terminal (stderr on a pseudo-terminal, stdout apart; a list for the tests'
    convenience; the byte-for-byte determinism of two runs is tested on the sample in
    test_report_sample.py)."""
    from conftest import SAMPLE_RANKINGS

    out = tmp_path_factory.mktemp("reports") / "a"
    # With the sample's youth rankings when present, so that every section is written.
    extra = ["--rankings", str(SAMPLE_RANKINGS)] if SAMPLE_RANKINGS.is_file() else []
    proc = run_with_stderr_on_a_terminal(["report", "--survey", str(export), "--out", str(out), *extra])
    assert proc.returncode == 0, proc.stderr
    return [(out, proc)]


# -- the folder --------------------------------------------------------------------------------

def test_folder_has_every_format(two_runs):
    out, proc = two_runs[0]
    for name in ("report.html", "report.md", "report.docx", "tables.xlsx", "manifest.json"):
        assert (out / name).is_file(), name
    csvs = sorted((out / "tables").glob("*.csv"))
    pngs = sorted((out / "charts").glob("*.png"))
    assert csvs and pngs
    assert {p.stem for p in pngs} == {p.stem for p in (out / "charts").glob("*.svg")}
    assert "wrote" in proc.stderr and proc.stdout == ""
    # The markdown links every table and chart it shows.
    md = (out / "report.md").read_text()
    for p in csvs:
        assert f"tables/{p.name}" in md
    for p in pngs:
        assert f"charts/{p.name}" in md


def test_manifest_records_inputs_versions_parameters(two_runs, export):
    import hashlib

    out, _ = two_runs[0]
    m = json.loads((out / "manifest.json").read_text())
    assert m["inputs"]["survey"]["sha256"] == hashlib.sha256(export.read_bytes()).hexdigest()
    assert len(m["inputs"]["instrument"]["sha256"]) == 64
    assert m["surveykit_version"]
    assert {"pandas", "numpy", "scipy", "matplotlib", "openpyxl", "python"} <= set(m["libraries"])
    assert m["parameters"]["suppress"] is True and m["parameters"]["alpha"] == 0.05
    assert m["codebooks"]["instrument"]["version"]
    assert m["generated_at"]
    # The manifest lists every other file with its hash.
    for rel, digest in m["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest


def test_xlsx_sheets_frozen_numbers_and_percentages(two_runs):
    import openpyxl

    out, _ = two_runs[0]
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    assert wb.sheetnames[0] == "contents"
    assert len(wb.sheetnames) == 1 + len(list((out / "tables").glob("*.csv")))
    ws = wb["who_responded_by_sector"]
    assert ws["A1"].value == "Respondents by sector and completion"
    assert ws.freeze_panes in ("A5", "B5")
    header = [c.value for c in ws[4]]
    assert "group" not in header and header[0] == "Sector"  # the grouping's label; its id column is hidden
    n_col = header.index("Respondents") + 1
    pct_col = header.index("% of respondents") + 1
    total_row = [r for r in ws.iter_rows(min_row=5) if r[0].value == "All respondents"][0]
    assert total_row[n_col - 1].data_type == "n" and total_row[n_col - 1].value == 80
    assert total_row[pct_col - 1].value == pytest.approx(1.0)
    assert total_row[pct_col - 1].number_format.endswith("%")
    for name in wb.sheetnames:
        assert wb[name].freeze_panes in ("A5", "B5")


# -- formula injection -------------------------------------------------------------------------

def _library_report_with_text():
    import pandas as pd

    from surveykit.report.model import Report, SectionBuilder

    frame = pd.DataFrame({"answer": FORMULA_ANSWERS + ["plain", "\rcarriage"], "n": [1, 2, 3, 4, 5, 6, -7]})
    sb = SectionBuilder("s", "Answers").table("answers", "Answers", frame)
    return Report("t", "s", (sb.build(),), {"surveykit_version": "test"})


def test_formula_injection_library_csv_and_xlsx(tmp_path):
    import openpyxl

    from surveykit.report.writers import write_report

    out = write_report(_library_report_with_text(), tmp_path / "r")
    rows = list(csv.reader(io.StringIO((out / "tables" / "answers.csv").read_bytes().decode("utf-8"), newline="")))
    answers = [r[0] for r in rows[1:]]
    assert answers[0] == "'=HYPERLINK(\"http://example.invalid\",\"click\")"
    assert answers[1] == "'-2+3" and answers[2].startswith("'+44") and answers[3] == "'@SUM(A1:A2)"
    assert answers[4] == "'\tTabbed start" and answers[5] == "plain" and answers[6] == "'\ncarriage"
    assert rows[-1][1] == "-7"  # numbers are not text: a negative count stays a number
    ws = openpyxl.load_workbook(out / "tables.xlsx")["answers"]
    cells = [ws.cell(row=i, column=1) for i in range(5, 12)]  # title, base line, link, header, then the rows
    assert all(c.data_type == "s" for c in cells)  # never "f" (formula)
    assert cells[0].value.startswith("'=") and cells[5].value == "plain"
    assert ws.cell(row=11, column=2).value == -7 and ws.cell(row=11, column=2).data_type == "n"
    # The raw sheet XML holds no formula element at all.
    with zipfile.ZipFile(out / "tables.xlsx") as z:
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_no_exported_text_cell_can_run_as_formula(two_runs):
    """Whatever the tables hold (quotes of risky answers included), no CSV/XLSX text cell starts a formula."""
    import openpyxl

    out, _ = two_runs[0]
    for path in (out / "tables").glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only a number may start so
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, c.coordinate)


# -- atomic ------------------------------------------------------------------------------------

def test_failed_write_leaves_previous_report_intact(two_runs, tmp_path, monkeypatch):
    from surveykit.report import writers
    from surveykit.report.writers import html as html_writer

    src, _ = two_runs[0]
    out = tmp_path / "report"
    shutil.copytree(src, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(html_writer, "report_html", broken)
    with pytest.raises(RuntimeError):
        writers.write_report(_library_report_with_text(), out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary folder left behind


def test_broken_codebook_fails_before_writing(cli, export, two_runs, tmp_path):
    src, _ = two_runs[0]
    out = tmp_path / "report"
    shutil.copytree(src, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\nthemes: [\n  - unclosed\n")
    proc = cli("report", "--survey", export, "--codebook", bad, "--out", out)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "report"]


# -- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["--survey", "{tmp}/missing.csv"], "--survey: file not found"),
    (["--survey", "{tmp}"], "--survey: is a folder"),
    (["--survey", "{export}", "--rankings", "{tmp}/nope.csv"], "--rankings: file not found"),
    (["--survey", "{export}", "--codebook", "{tmp}/nope.yaml"], "--codebook: file not found"),
    (["--survey", "{tmp}/empty.csv"], "--survey: file is empty"),
    (["--survey", "{export}", "--out", "{tmp}/afile.txt"], "--out: exists and is not a folder"),
    (["--survey", "{export}", "--out", "{tmp}/notareport"], "not a surveykit report"),
    (["--survey", "{export}", "--threshold", "0"], "--threshold must be a whole number of at least 1"),
])
def test_bad_paths_exit_2_one_line_nothing_written(cli, export, tmp_path, args, needle):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "afile.txt").write_text("keep me")
    (tmp_path / "notareport").mkdir()
    (tmp_path / "notareport" / "thesis.docx").write_text("precious")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    args = [a.format(tmp=tmp_path, export=export) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "out")]
    proc = cli("report", *args)
    assert proc.returncode == 2
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and needle in lines[0], proc.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "afile.txt").read_text() == "keep me"


def test_unreadable_survey_file_exit_2(cli, tmp_path):
    bad = tmp_path / "survey.csv"
    bad.write_bytes(b"\x00\x01\x02 not a survey \xff\xfe" * 20)
    proc = cli("report", "--survey", bad, "--out", tmp_path / "out")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_broken_rankings_file_exit_2_before_output(cli, export, tmp_path):
    bad = tmp_path / "rankings.csv"
    bad.write_text("workshop,group,group_size,measure_id,verdict,rank_in_verdict\n"
                   "1,A,2,not_a_measure,effective,1\n")
    proc = cli("report", "--survey", export, "--rankings", bad, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("surveykit: error:") and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rankings.csv"]


def test_library_check_inputs_names_parameter(tmp_path):
    from surveykit.pipeline import build_report

    with pytest.raises(SurveykitError, match="--rankings: file not found"):
        build_report(Path(__file__), rankings=tmp_path / "r.csv")


def test_progress_bar_on_a_terminal(two_runs):
    """On a terminal the steps show as a rich progress bar, on stderr (the two_runs report ran with its
    stderr on a pseudo-terminal), and nothing of it reaches stdout."""
    from conftest import SAMPLE_RANKINGS

    out, proc = two_runs[0]
    # The steps: reading the inputs, the sections of the plan (5, and the 2 youth ranking sections
    # when the rankings are given), methods, data quality, and 7 writing steps.
    steps = 17 if SAMPLE_RANKINGS.is_file() else 15
    assert "━" in proc.stderr and "done" in proc.stderr and f"/{steps}" in proc.stderr
    assert "━" not in proc.stdout and proc.stdout == ""
    assert (out / "report.html").is_file()


@pytest.mark.parametrize("env, bar", [({}, False), ({"FORCE_COLOR": "1"}, True), ({"TTY_COMPATIBLE": "1"}, True)])
def test_no_progress_bar_and_no_rich_import_when_stderr_is_no_terminal(env, bar):
    """The report's progress bar with stderr a pipe: nothing drawn and rich never imported (0.03 s
    of every scripted run), unless a variable that makes rich treat the pipe as a terminal is set,
    where the bar is rich's as before."""
    import os
    import sys

    script = ("import sys\n"
              "from surveykit.cli.reporting import _progress_bar\n"
              "with _progress_bar(3) as step:\n"
              "    step('reading'); step('writing')\n"
              "print(any(m == 'rich' or m.startswith('rich.') for m in sys.modules))\n")
    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    proc = subprocess.run([sys.executable, "-c", script], env={**base, **env}, capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == str(bar)
    assert ("━" in proc.stderr) is bar


# -- a real browser ----------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHECK_SCRIPT = """<script>window.addEventListener("load", function () {
  var im = Array.prototype.slice.call(document.images);
  var ok = im.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var m = document.createElement("meta"); m.id = "sk-check";
  m.setAttribute("data-images", String(im.length)); m.setAttribute("data-loaded", String(ok));
  m.setAttribute("data-sections", String(document.querySelectorAll("section").length));
  m.setAttribute("data-tables", String(document.querySelectorAll("table[id]").length));
  document.head.appendChild(m);
});</script>"""


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.mark.browser
def test_report_renders_in_headless_chromium(two_runs, tmp_path):
    import re

    import numpy as np
    from PIL import Image

    chromium = _chromium()
    out, _ = two_runs[0]
    html = (out / "report.html").read_text()
    # Self-contained: no file, http or relative reference outside data URIs.
    assert not re.search(r'(src|href)="(?!data:|#)', html)
    n_charts = len(list((out / "charts").glob("*.png")))
    # A copy with a checking script (the report itself carries no script).
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", CHECK_SCRIPT + "</body>"))
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'ud1'}",
                          "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120)
    m = re.search(r'<meta id="sk-check" data-images="(\d+)" data-loaded="(\d+)" data-sections="(\d+)" '
                  r'data-tables="(\d+)"', dom.stdout)
    assert m, dom.stderr[-2000:]
    images, loaded, sections, tables = map(int, m.groups())
    assert images == n_charts and loaded == images
    assert sections >= 3 and 1 <= tables <= len(list((out / "tables").glob("*.csv")))
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'ud2'}", "--window-size=1200,1600",
                    f"--screenshot={shot}", (out / "report.html").as_uri()],
                   capture_output=True, text=True, timeout=120)
    assert shot.is_file()
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (1600, 1200)
    assert pixels.std() > 20  # not a blank page
    assert (pixels < 128).mean() > 0.02  # some dark ink (the header band, text, bars)


#: Pages the synthetic report may print to on A4 (49 when written, each section starting a page; the
#: sample report printed to about 70 before issue 12, 50 now): the bound catches a return of pasted
#: long tables or of cut columns spilling onto extra pages.
MAX_PRINTED_PAGES = 55


@pytest.mark.browser
def test_report_prints_to_a4_with_no_table_wider_than_the_page(two_runs, tmp_path):
    """Headless Chromium prints the HTML to PDF (its print stylesheet): the page count stays bounded,
    no character runs past the page's right edge, and every column header of every table is printed
    (a cut column would lose its header).

    The PDF is read with pdfium (pypdfium2, which pdfplumber itself is built on for rendering): a
    character's loose box (the font's full advance and height) is checked, which is at least as wide as
    the word boxes pdfplumber reports (measured on this report: about 1.5 pt wider), in a twelfth of
    the time (0.3 s against 7.5 s of CPU for 47 pages)."""
    import re

    import pypdfium2 as pdfium

    chromium = _chromium()
    out, _ = two_runs[0]
    pdf = tmp_path / "report.pdf"
    proc = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'ud'}", "--no-pdf-header-footer",
                           f"--print-to-pdf={pdf}", (out / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert pdf.is_file(), proc.stderr[-2000:]
    words: set[str] = set()
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = len(doc)
        for number in range(1, pages + 1):
            page = doc[number - 1]
            width, height = page.get_size()
            assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 portrait, in points
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            for k in range(textpage.count_chars()):
                right = textpage.get_charbox(k, loose=True)[2]
                assert right <= width - 20, (number, text[max(k - 20, 0):k + 20])  # inside the right margin
            words.update(text.split())
    finally:
        doc.close()
    assert 5 <= pages <= MAX_PRINTED_PAGES, pages
    html = (out / "report.html").read_text()
    import html as html_lib

    for head in set(re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', html)):
        for word in html_lib.unescape(head).split():
            assert word in words or any(word in w for w in words), (head, word)


def test_free_text_cannot_inject_markup_into_html_or_markdown(tmp_path):
    import pandas as pd

    from surveykit.report.model import Report, SectionBuilder
    from surveykit.report.writers import report_html, report_markdown

    nasty = '<script>alert("x")</script> | **bold** <img src=x onerror=alert(1)>'
    frame = pd.DataFrame({"quote": [nasty], "pct": [12.345], "p_value": [0.0004], "n": [7]})
    sb = SectionBuilder("s", "S").text(nasty).table("t", "T", frame, percent_columns=["pct"])
    report = Report("R", "sub", (sb.build(),), {})
    html = report_html(report, {})
    assert "<script>" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    md = report_markdown(report)
    assert "<script>" not in md and "<img" not in md
    row = [l for l in md.splitlines() if "alert" in l and l.startswith("| ")][0]
    assert row.count(" | ") == 3  # the answer's pipe is escaped: still four cells
    assert "| 12.3% | <0.001 | 7 |" in row


def test_long_tables_are_previewed_in_markdown_but_complete_in_csv(tmp_path):
    import pandas as pd

    from surveykit.report.model import Report, SectionBuilder
    from surveykit.report.writers import write_report

    frame = pd.DataFrame({"i": range(100)})
    sb = SectionBuilder("s", "S").table("long", "Long", frame, preview=10)
    out = write_report(Report("R", "sub", (sb.build(),), {}), tmp_path / "r")
    md = (out / "report.md").read_text()
    assert "| 9 |" in md and "| 10 |" not in md and "First 10 of 100 rows" in md
    assert len((out / "tables" / "long.csv").read_text().splitlines()) == 101
    import openpyxl

    ws = openpyxl.load_workbook(out / "tables.xlsx")["long"]
    values = [ws.cell(row=r, column=1).value for r in range(5, 105)]
    assert values == list(range(100))  # the workbook holds every row
