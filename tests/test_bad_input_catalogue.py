"""A catalogue of bad inputs across every command (issue 13, point 8): each must give exit 2 (or 1 for a data
problem), exactly one line on stderr, no traceback, the inputs byte for byte unchanged and no output
written (nothing new on disk; nothing on stdout for exit 2).

To add a case, add a ``Row`` to ``ROWS``: an id, the command line (``{tmp}`` is the case's folder, ``{sample}``
the sample export, ``{rankings}`` the sample youth rankings, ``{codebook}`` the shipped codebook, ``{foi}``
the sample FOI returns), the files to
create in ``{tmp}`` first (name -> bytes, or a ``Special`` for pipes, links and folders), the expected exit
code and words the stderr line must contain. Rows run in-process (Typer's CliRunner) unless
``subprocess=True`` (a real ``python -m surveykit``; needed wherever a bad input could hang).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import CODEBOOKS, SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli


@dataclass(frozen=True)
class Special:
    """A file system entry that is not plain bytes: "fifo", "dir", "loop" (a symlink loop),
    "dangling" (a symlink to nothing), "symlink_to:NAME"."""

    kind: str


@dataclass(frozen=True)
class Row:
    id: str
    args: tuple[str, ...]
    files: dict = field(default_factory=dict)
    exit: int = 2
    words: tuple[str, ...] = ()
    subprocess: bool = False


def _xlsx(rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


GOOD = b"respondent_id,sector,q1,q7\nr1,NGO,Yes,Placed far away by Tiberius Quayle\nr2,Police,No,Fear of removal\n"
LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))).encode()
CODED = b"respondent_id,question_id,code_id,coder\nr1,q7,not_identified,a\nr2,q7,,a\n"
HEADERLESS = b"".join(f"r{i},NGO,Yes,{20 + i},2024-01-0{i % 9 + 1}\n".encode() for i in range(1, 12))
QUALTRICS = (b"StartDate,EndDate,Finished,ResponseId,Q1\n"
             b"Start Date,End Date,Finished,Response ID,Which sector do you work in?\n"
             b'"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""finished""}",'
             b'"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n'
             b"2024-01-01 10:00:00,2024-01-01 10:05:00,1,R_1a2b3c4d5e6f7g8,NGO\n")
# Planted in answers, memos and cells of the inputs below: no message may ever echo it.
SECRET = "Tiberius Quayle"
GOLD = b"id,text,codes\ng1,Placed far away from Tiberius Quayle,unsuitable_placement\ng2,Fear of removal,immigration\n"
INSTRUMENT = (b"scales:\n  yn:\n    kind: nominal\n    options:\n      - {code: '1', label: 'Yes'}\n"
              b"      - {code: '0', label: 'No'}\nquestions:\n  - {id: q1, type: single, text: 'Any?', scale: yn}\n")
QDE_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'


def _qdpx(end: int = 5, code_ref: int = 1) -> bytes:
    """A minimal REFI-QDA project: one code, one source, one coding of characters 0..end."""
    g = lambda n: f"{n:08d}-0000-4000-8000-000000000000"  # noqa: E731
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
           f'<Code guid="{g(1)}" name="a" isCodable="true"/></Codes></CodeBook><Sources>'
           f'<TextSource guid="{g(2)}" name="r1"><PlainTextContent>hello</PlainTextContent>'
           f'<PlainTextSelection guid="{g(3)}" startPosition="0" endPosition="{end}"><Coding guid="{g(4)}">'
           f'<CodeRef targetGUID="{g(code_ref)}"/></Coding></PlainTextSelection></TextSource></Sources></Project>')
    return _zip({"project.qde": QDE_HEAD + qde.encode()})
RANKINGS_BAD_VERDICT = (b"workshop,group,group_size,measure_id,verdict,rank_in_verdict\n"
                        b"1,A,2,advocate,maybe,1\n")

ROWS = [
    # -- reading an export (validate, inspect, and every command that reads one) --------------------------
    Row("missing-file", ("validate", "{tmp}/nope.csv"), words=("file not found",)),
    Row("directory", ("validate", "{tmp}/d"), files={"d": Special("dir")}, words=("directory",)),
    Row("empty-file", ("validate", "{tmp}/e.csv"), files={"e.csv": b""}, words=("empty",)),
    Row("blank-file", ("inspect", "{tmp}/e.csv"), files={"e.csv": b"\n\n  \n"}, words=("empty",)),
    Row("header-only", ("validate", "{tmp}/h.csv"), files={"h.csv": b"respondent_id,sector,q1\n"},
        words=("no data rows",)),
    Row("binary-junk", ("validate", "{tmp}/b.csv"), files={"b.csv": bytes(range(256)) * 40}, words=("binary",)),
    Row("semicolons", ("inspect", "{tmp}/s.csv"), files={"s.csv": b"respondent_id;sector;q1\nr1;NGO;Yes\n"},
        words=("semicolon",)),
    Row("duplicate-column", ("validate", "{tmp}/d.csv"),
        files={"d.csv": b"respondent_id,sector,q1,q1\nr1,NGO,Yes,No\nr2,NGO,No,No\n"}, words=("duplicate column",)),
    Row("blank-column-name", ("validate", "{tmp}/d.csv"),
        files={"d.csv": b"respondent_id,,q1\nr1,NGO,Yes\nr2,NGO,No\n"}, words=("no name",)),
    Row("too-many-fields", ("validate", "{tmp}/t.csv"),
        files={"t.csv": b"respondent_id,sector,q1\nr1,NGO,Yes\nr2,NGO,No,extra\n"}, words=("row 3", "fields")),
    Row("unclosed-quote-huge-cell", ("validate", "{tmp}/q.csv"),
        files={"q.csv": b'respondent_id,sector,q7\nr1,NGO,"' + b"x" * 1_100_000 + b"\n"}, words=("characters",)),
    Row("not-a-sav", ("validate", "{tmp}/x.sav"), files={"x.sav": b"Name,Age\nA,3\n"}, words=("not an SPSS",)),
    Row("truncated-sav", ("validate", "{tmp}/x.sav"), files={"x.sav": b"$FL2@(#) IBM SPSS" + b"\x00" * 64},
        words=("damaged or truncated",)),
    Row("text-named-xlsx", ("validate", "{tmp}/x.xlsx"), files={"x.xlsx": b"plain text"},
        words=("not a readable Excel",)),
    Row("old-xls", ("validate", "{tmp}/x.xls"), files={"x.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600},
        words=("97-2003",)),
    Row("truncated-xlsx", ("validate", "{tmp}/x.xlsx"),
        files={"x.xlsx": _xlsx([["respondent_id", "q1"], ["r1", "Yes"]])[:700]}, words=("damaged or truncated",)),
    Row("zip-not-workbook", ("inspect", "{tmp}/x.xlsx"), files={"x.xlsx": _zip({"hello.txt": b"hi"})},
        words=("not an Excel workbook",)),
    Row("malformed-sheet-xml", ("validate", "{tmp}/x.xlsx"),
        files={"x.xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets>",
                               "xl/_rels/workbook.xml.rels": b"<<<"})}, words=("damaged",)),
    Row("zip-as-csv", ("validate", "{tmp}/x.csv"), files={"x.csv": _zip({"a": b"b"})}, words=("binary or zip",)),
    Row("headerless-tidy", ("inspect", "{tmp}/h.csv"), files={"h.csv": HEADERLESS},
        words=("looks like answers", "header row")),
    Row("broken-utf16", ("inspect", "{tmp}/u.csv"),
        files={"u.csv": b"\xff\xfe" + "respondent_id,q1\n".encode("utf-16-le") + b"\x00"}, words=("UTF-16",)),
    Row("unknown-encoding", ("validate", "{sample}", "--encoding", "klingon"), words=("not a known encoding",)),
    Row("wrong-forced-encoding", ("validate", "{tmp}/a.csv", "--encoding", "ascii"),
        files={"a.csv": "respondent_id,sector,q1\nr1,Sant\u00e9,Yes\n".encode()}, words=("line 2", "ascii")),
    Row("unknown-platform", ("validate", "{sample}", "--platform", "nosuch"), words=("platform must be one of",)),
    Row("spss-platform-on-csv", ("validate", "{sample}", "--platform", "spss"), words=("not an SPSS .sav",)),
    Row("symlink-loop", ("validate", "{tmp}/a.csv"), files={"a.csv": Special("loop")}, words=("loop",)),
    Row("dangling-symlink", ("inspect", "{tmp}/a.csv"), files={"a.csv": Special("dangling")},
        words=("symbolic link",)),
    Row("fifo-export", ("validate", "{tmp}/p.csv"), files={"p.csv": Special("fifo")}, words=("named pipe",),
        subprocess=True),
    Row("device-export", ("validate", "/dev/zero"), words=("character device",)),
    Row("mapping-not-a-mapping", ("validate", "{sample}", "--mapping", "{tmp}/m.yaml"), files={"m.yaml": b"- 1\n"},
        words=("mapping file must hold",)),
    Row("mapping-index-not-a-number", ("validate", "{sample}", "--mapping", "{tmp}/m.yaml"),
        files={"m.yaml": b"columns:\n  - {header: x, index: abc, target: q1}\n"}, words=("index must be",)),
    Row("mapping-entry-not-a-mapping", ("inspect", "{sample}", "--mapping", "{tmp}/m.yaml"),
        files={"m.yaml": b"columns: [5]\n"}, words=("mapping entry 1",)),
    Row("mapping-alias-bomb", ("validate", "{sample}", "--mapping", "{tmp}/m.yaml"), files={"m.yaml": LAUGHS},
        words=("aliases",)),
    Row("instrument-python-tag", ("validate", "{sample}", "--instrument", "{tmp}/i.yaml"),
        files={"i.yaml": b"scales: !!python/object/apply:os.system ['echo owned']\n"}, words=("tag",)),
    Row("instrument-not-yaml", ("inspect", "{sample}", "--instrument", "{tmp}/i.yaml"),
        files={"i.yaml": b"scales: [unclosed\n"}, words=("not valid YAML",)),
    Row("instrument-missing", ("validate", "{sample}", "--instrument", "{tmp}/none.yaml"),
        words=("instrument file not found",)),
    Row("instrument-not-utf8", ("validate", "{sample}", "--instrument", "{tmp}/i.yaml"),
        files={"i.yaml": b"title: Caf\xe9\n"}, words=("not UTF-8", "line 1")),
    Row("qsf-on-a-tidy-export", ("inspect", "{tmp}/q.csv", "--qsf", "{tmp}/s.qsf"),
        files={"q.csv": GOOD, "s.qsf": b"not json"}, words=("applies to Qualtrics exports only",)),
    Row("qsf-not-json", ("inspect", "{tmp}/q.csv", "--qsf", "{tmp}/s.qsf"),
        files={"q.csv": QUALTRICS, "s.qsf": b"not json"}, words=("not a Qualtrics .qsf",)),
    Row("qsf-nested-too-deep", ("validate", "{tmp}/q.csv", "--qsf", "{tmp}/s.qsf"),
        files={"q.csv": QUALTRICS, "s.qsf": b"[" * 200_000 + b"]" * 200_000}, words=("not a Qualtrics .qsf",)),
    Row("answer-not-an-option", ("validate", "{tmp}/a.csv"),
        files={"a.csv": b"respondent_id,sector,q1\nr1,NGO,Perhaps\nr2,NGO,Yes\n"}, exit=1, words=("problem(s)",)),
    Row("duplicate-respondent", ("validate", "{tmp}/a.csv"),
        files={"a.csv": b"respondent_id,sector,q1\nr1,NGO,Yes\nr1,NGO,No\n"}, exit=1, words=("problem(s)",)),
    Row("format-not-a-choice", ("validate", "{sample}", "--format", "xml"), words=("--format", "xml")),
    Row("missing-argument", ("agree",), words=("Missing argument",)),
    Row("unknown-option", ("inspect", "{sample}", "--formt", "csv"), words=("No such option",)),
    Row("unknown-command", ("no-such-command",), words=("No such command",), subprocess=True),
    Row("write-mapping-onto-folder", ("inspect", "{sample}", "--write-mapping", "{tmp}/d"),
        files={"d": Special("dir")}, words=("it is a folder",)),
    # -- tables ------------------------------------------------------------------------------------------
    Row("score-threshold-0", ("score", "{sample}", "--threshold", "0"), words=("threshold",)),
    Row("score-threshold-not-number", ("score", "{sample}", "--threshold", "abc"), words=("--threshold",)),
    Row("score-unknown-question", ("score", "{sample}", "--question", "q999"), words=("must be one of", "q999")),
    Row("score-unknown-by", ("score", "{sample}", "--by", "shoe_size"), words=("by must be one of",)),
    Row("effectiveness-unknown-sort", ("effectiveness", "{sample}", "--sort", "alphabet"),
        words=("sort must be one of",)),
    Row("effectiveness-chart-out-is-a-file", ("effectiveness", "{sample}", "--chart-out", "{tmp}/f.txt"),
        files={"f.txt": b"mine"}, words=("is a file",)),
    Row("reasons-text-question", ("reasons", "{sample}", "--question", "q7"), words=("must be one of",)),
    Row("reasons-unknown-by", ("reasons", "{sample}", "--question", "q14", "--by", "shoe_size"),
        words=("by must be one of",)),
    Row("compare-alpha-out-of-range", ("compare", "{sample}", "--alpha", "1.5"), words=("alpha",)),
    Row("compare-unknown-padjust", ("compare", "{sample}", "--padjust", "magic"), words=("padjust",)),
    Row("compare-unknown-group", ("compare", "{sample}", "--groups", "nosuch"), words=("groups must be one of",)),
    Row("banner-text-question", ("banner", "{sample}", "--question", "q7"), words=("free-text",)),
    Row("banner-alpha-zero", ("banner", "{sample}", "--question", "q45", "--alpha", "0"), words=("alpha",)),
    Row("export-of-an-empty-sheet", ("score", "{tmp}/x.xlsx"), files={"x.xlsx": _xlsx([])},
        words=("no data",)),
    # -- youth ranking -----------------------------------------------------------------------------------
    Row("rank-missing-file", ("rank", "{tmp}/nope.csv"), words=("file not found",)),
    Row("rank-workbook", ("rank", "{tmp}/r.xlsx"), files={"r.xlsx": _xlsx([["workshop", "group"], ["1", "A"]])},
        words=("must be a text",)),
    Row("rank-unknown-model", ("rank", "{rankings}", "--model", "bradley"), words=("--model must be one of",)),
    Row("rank-negative-bootstrap", ("rank", "{rankings}", "--bootstrap", "-1"), words=("--bootstrap",)),
    Row("rank-bad-verdict", ("rank", "{tmp}/r.csv"), files={"r.csv": RANKINGS_BAD_VERDICT}, words=("r.csv",)),
    Row("rank-measures-bomb", ("rank", "{rankings}", "--measures", "{tmp}/m.yaml"), files={"m.yaml": LAUGHS},
        words=("aliases",)),
    Row("voices-missing-rankings", ("voices", "{sample}", "{tmp}/nope.csv"), words=("file not found",)),
    Row("voices-unknown-by", ("voices", "{sample}", "{rankings}", "--by", "nosuch"), words=("--by must be one of",)),
    # -- coding --------------------------------------------------------------------------------------------
    Row("code-unknown-question", ("code", "{sample}", "--question", "q999"), words=("--question must be one of",)),
    Row("code-closed-question", ("code", "{sample}", "--question", "q1"), words=("not a free-text",)),
    Row("code-missing-codebook", ("code", "{sample}", "--question", "q7", "--codebook", "{tmp}/none.yaml"),
        words=("codebook file not found",)),
    Row("code-unknown-padjust", ("code", "{sample}", "--question", "q7", "--padjust", "magic"),
        words=("padjust",)),
    Row("code-out-is-a-folder", ("code", "{sample}", "--question", "q7", "--out", "{tmp}/d"),
        files={"d": Special("dir")}, words=("it is a folder",)),
    Row("code-missing-text-column", ("code", "{tmp}/a.csv", "--text-column", "nosuch"), files={"a.csv": GOOD},
        words=("nosuch",)),
    Row("code-pattern-too-long", ("code", "{tmp}/a.csv", "--text-column", "answer", "--codebook", "{tmp}/c.yaml"),
        files={"a.csv": b"respondent_id,answer\nr1,a short answer\n",
               "c.yaml": ("id: long\ntitle: Long\nversion: '1'\nthemes: [{id: t, label: T}]\ncodes:\n"
                          "  - {id: x, label: X, theme: t, definition: Long., patterns: ['"
                          + " ".join(f"w{i}" for i in range(70)) + "']}\n").encode()},
        words=("c.yaml", "70 words", "at most 63")),
    Row("codebook-check-not-a-codebook", ("codebook", "check", "{tmp}/c.yaml"), files={"c.yaml": b"- just a list\n"},
        words=("c.yaml",)),
    Row("codebook-check-wrong-types", ("codebook", "check", "{tmp}/c.yaml"), files={"c.yaml": b"id: x\nthemes: 5\n"},
        exit=1, words=("codebook has problems",)),
    Row("codebook-check-alias-bomb", ("codebook", "check", "{tmp}/c.yaml"), files={"c.yaml": LAUGHS},
        words=("aliases",)),
    Row("codebook-check-fifo", ("codebook", "check", "{tmp}/c.yaml"), files={"c.yaml": Special("fifo")},
        words=("named pipe",), subprocess=True),
    Row("codebook-export-unknown-format", ("codebook", "export", "{codebook}", "--to", "pdf"),
        words=("--to must be one of",)),
    Row("codebook-export-out-is-a-folder", ("codebook", "export", "{codebook}", "--out", "{tmp}/d"),
        files={"d": Special("dir")}, words=("folder",)),
    Row("codebook-import-csv", ("codebook", "import", "{tmp}/a.csv"), files={"a.csv": GOOD},
        words=("expected a .qdc or .qdpx",)),
    Row("codebook-import-corrupt-qdpx", ("codebook", "import", "{tmp}/p.qdpx"), files={"p.qdpx": b"PK\x03\x04junk"},
        words=("not a zip",)),
    Row("quotes-unknown-code", ("quotes", "{sample}", "--code", "nosuch"), words=("unknown code",)),
    Row("quotes-per-sector-0", ("quotes", "{sample}", "--code", "not_identified", "--per-sector", "0"),
        words=("--per-sector",)),
    Row("quotes-missing-denylist", ("quotes", "{sample}", "--code", "not_identified", "--denylist",
                                    "{tmp}/none.txt"), words=("deny-list file not found",)),
    Row("agree-one-file", ("agree", "{tmp}/a.csv"), files={"a.csv": CODED}, words=("at least two",)),
    Row("agree-not-coded", ("agree", "{tmp}/a.csv", "{tmp}/b.csv"), files={"a.csv": GOOD, "b.csv": CODED},
        words=("not a coded file",)),
    Row("agree-unknown-uncoded", ("agree", "{tmp}/a.csv", "{tmp}/b.csv", "--uncoded", "maybe"),
        files={"a.csv": CODED, "b.csv": CODED}, words=("--uncoded must be one of",)),
    Row("agree-disagreements-onto-folder", ("agree", "{tmp}/a.csv", "{tmp}/b.csv", "--disagreements", "{tmp}/d"),
        files={"a.csv": CODED, "b.csv": CODED.replace(b"not_identified", b"immigration"), "d": Special("dir")},
        words=("folder",)),
    Row("agree-unknown-code", ("agree", "{tmp}/a.csv", "{tmp}/b.csv", "--codebook", "{codebook}"),
        files={"a.csv": CODED, "b.csv": CODED.replace(b"not_identified", b"made_up")}, words=("not in the codebook",)),
    Row("train-missing-survey", ("code", "train", "{tmp}/a.csv", "--out", "{tmp}/m"), files={"a.csv": CODED},
        words=("--survey is required",)),
    Row("train-not-coded", ("code", "train", "{tmp}/a.csv", "--survey", "{sample}", "--question", "q7", "--out",
                            "{tmp}/m"), files={"a.csv": GOOD}, words=("not a coded file",)),
    Row("review-accept-above-2", ("code", "review", "{sample}", "--question", "q7", "--coded", "{tmp}/c.csv",
                                  "--accept-above", "2"), words=("--accept-above",)),
    Row("review-unknown-code", ("code", "review", "{sample}", "--question", "q7", "--coded", "{tmp}/c.csv"),
        files={"c.csv": CODED.replace(b"not_identified", b"made_up")}, words=("not in the codebook",)),
    Row("evaluate-missing-gold", ("code", "evaluate", "{tmp}/nope.csv"), words=("file not found",)),
    Row("evaluate-not-a-gold-set", ("code", "evaluate", "{tmp}/a.csv"), files={"a.csv": GOOD},
        words=("a.csv", "codes")),
    Row("evaluate-unknown-code", ("code", "evaluate", "{tmp}/g.csv"),
        files={"g.csv": GOLD.replace(b"immigration", b"made_up")}, words=("made_up",)),
    Row("evaluate-suggest-not-a-model", ("code", "evaluate", "{tmp}/g.csv", "--suggest", "{tmp}/m"),
        files={"g.csv": GOLD, "m/model.json": b"{not json"}, words=("model",)),
    Row("evaluate-suggest-empty-folder", ("code", "evaluate", "{tmp}/g.csv", "--suggest", "{tmp}/m"),
        files={"g.csv": GOLD, "m": Special("dir")}, words=("model",)),
    Row("evaluate-unknown-view", ("code", "evaluate", "{tmp}/g.csv", "--view", "pie"), files={"g.csv": GOLD},
        words=("--view",)),
    Row("evaluate-unknown-combine", ("code", "evaluate", "{tmp}/g.csv", "--combine", "both"), files={"g.csv": GOLD},
        words=("combine", "uncoded", "union", "both")),
    Row("evaluate-binary-gold", ("code", "evaluate", "{tmp}/g.csv"), files={"g.csv": bytes(range(256)) * 40},
        words=("binary",)),
    Row("code-export-not-coded", ("code", "export", "{tmp}/a.csv", "--survey", "{sample}", "--out", "{tmp}/p.qdpx"),
        files={"a.csv": GOOD}, words=("not a coded file",)),
    Row("code-export-out-is-a-folder", ("code", "export", "{tmp}/g.csv", "--out", "{tmp}/d"),
        files={"g.csv": GOLD, "d": Special("dir")}, words=("folder",)),
    Row("code-export-unknown-format", ("code", "export", "{tmp}/g.csv", "--to", "nvpx", "--out", "{tmp}/p.qdpx"),
        files={"g.csv": GOLD}, words=("--to must be one of",)),
    Row("code-export-no-answers", ("code", "export", "{tmp}/c.csv", "--out", "{tmp}/p.qdpx"), files={"c.csv": CODED},
        words=("--survey",)),
    Row("code-export-unknown-code", ("code", "export", "{tmp}/g.csv", "--out", "{tmp}/p.qdpx"),
        files={"g.csv": GOLD.replace(b"immigration", b"made_up")}, words=("made_up",)),
    Row("code-import-not-a-zip", ("code", "import", "{tmp}/p.qdpx"), files={"p.qdpx": b"Tiberius Quayle said no"},
        words=("not a zip",)),
    Row("code-import-no-project", ("code", "import", "{tmp}/p.qdpx"), files={"p.qdpx": _zip({"hello.txt": b"hi"})},
        words=("project.qde",)),
    Row("code-import-malformed-xml", ("code", "import", "{tmp}/p.qdpx"),
        files={"p.qdpx": _zip({"project.qde": QDE_HEAD + b"<Project><CodeBook>"})}, words=("p.qdpx",)),
    Row("code-import-entity-bomb", ("code", "import", "{tmp}/p.qdpx"),
        files={"p.qdpx": _zip({"project.qde": QDE_HEAD + b'<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
                                                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Project>&b;</Project>'})},
        words=("p.qdpx",)),
    Row("code-import-out-is-a-folder", ("code", "import", "{tmp}/p.qdpx", "--out", "{tmp}/d"),
        files={"p.qdpx": _qdpx(), "d": Special("dir")}, words=("folder",)),
    Row("code-import-unknown-code-ref", ("code", "import", "{tmp}/p.qdpx"), files={"p.qdpx": _qdpx(code_ref=9)},
        words=("p.qdpx",)),
    Row("code-import-selection-outside-text", ("code", "import", "{tmp}/p.qdpx"), files={"p.qdpx": _qdpx(end=500)},
        words=("p.qdpx",)),
    Row("code-import-csv", ("code", "import", "{tmp}/a.csv"), files={"a.csv": GOOD}, words=("a.csv",)),
    # -- instruments: draft and check ----------------------------------------------------------------------------
    Row("draft-missing-export", ("instrument", "draft", "{tmp}/nope.csv"), words=("file not found",)),
    Row("draft-empty-export", ("instrument", "draft", "{tmp}/e.csv"), files={"e.csv": b""}, words=("empty",)),
    Row("draft-binary-junk", ("instrument", "draft", "{tmp}/b.csv"), files={"b.csv": bytes(range(256)) * 40},
        words=("binary",)),
    Row("draft-header-only", ("instrument", "draft", "{tmp}/h.csv"), files={"h.csv": b"respondent_id,sector,q1\n"},
        words=("no data rows",)),
    Row("draft-out-onto-folder", ("instrument", "draft", "{tmp}/a.csv", "--out", "{tmp}/d"),
        files={"a.csv": GOOD, "d": Special("dir")}, words=("folder",)),
    Row("draft-out-onto-their-file", ("instrument", "draft", "{tmp}/a.csv", "--out", "{tmp}/mine.yaml"),
        files={"a.csv": GOOD, "mine.yaml": b"# my own instrument\n"}, words=("--force",)),
    Row("draft-qsf-not-json", ("instrument", "draft", "{tmp}/q.csv", "--qsf", "{tmp}/s.qsf"),
        files={"q.csv": QUALTRICS, "s.qsf": b"Tiberius Quayle"}, words=("not a Qualtrics .qsf",)),
    Row("draft-structure-missing", ("instrument", "draft", "{tmp}/a.csv", "--structure", "{tmp}/none.txt"),
        files={"a.csv": GOOD}, words=("file not found",)),
    Row("draft-fifo-export", ("instrument", "draft", "{tmp}/p.csv"), files={"p.csv": Special("fifo")},
        words=("named pipe",), subprocess=True),
    Row("check-missing", ("instrument", "check", "{tmp}/none.yaml"), words=("not found",)),
    Row("check-not-yaml", ("instrument", "check", "{tmp}/i.yaml"), files={"i.yaml": b"scales: [unclosed\n"},
        words=("not valid YAML",)),
    Row("check-wrong-type", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT.replace(b"scale: yn}", b"scale: 5}")}, words=("questions[0].scale",)),
    Row("check-unknown-scale", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT.replace(b"scale: yn}", b"scale: yes_n0}")},
        words=("questions[0].scale", "yes_n0", "must be one of")),
    Row("check-sectors-not-a-list", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT + b"sectors: 5\n"}, words=("sectors",)),
    Row("check-aliases-not-a-list", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT.replace(b"label: 'No'}", b"label: 'No', aliases: 5}")}, words=("aliases",)),
    Row("check-top-box-not-a-list", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT.replace(b"    kind: nominal\n", b"    kind: nominal\n    top_box: 1\n")},
        words=("scales.yn.top_box",)),
    Row("check-unknown-question-type", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT.replace(b"type: single", b"type: multiple")},
        words=("questions[0].type", "multiple")),
    Row("check-report-unknown-question", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT + b"report:\n  sections:\n    - {title: A, questions: [q99], analyses: [score]}\n"},
        words=("report.sections[0]", "q99")),
    Row("check-report-analysis-misfit", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT + b"report:\n  sections:\n    - {title: A, questions: [q1], analyses: [rank]}\n"},
        words=("report.sections[0]", "rank")),
    Row("check-duplicate-id", ("instrument", "check", "{tmp}/i.yaml"),
        files={"i.yaml": INSTRUMENT + b"  - {id: q1, type: text, text: 'Why?'}\n"}, words=("q1",)),
    Row("check-alias-bomb", ("instrument", "check", "{tmp}/i.yaml"), files={"i.yaml": LAUGHS}, words=("aliases",)),
    Row("check-a-folder", ("instrument", "check", "{tmp}/d"), files={"d": Special("dir")}, words=("folder",)),
    # -- FOI returns -----------------------------------------------------------------------------------------
    Row("foi-missing-returns", ("foi", "validate", "{tmp}/nope.xlsx"), words=("file not found",)),
    Row("foi-unknown-table", ("foi", "summary", "{foi}", "--table", "nosuch"), words=("--table must be one of",)),
    Row("foi-device", ("foi", "cells", "/dev/zero"), words=("character device",)),
    Row("foi-claims-alias-bomb", ("foi", "check", "{tmp}/c.yaml", "{foi}"), files={"c.yaml": LAUGHS},
        words=("aliases",)),
    Row("foi-damaged-workbook", ("foi", "summary", "{tmp}/r.xlsx"),
        files={"r.xlsx": _xlsx([["authority", "in_care"], ["A", "3"]])[:600]}, words=("damaged",)),
    Row("foi-sample-out-is-a-file", ("foi", "sample", "--out", "{tmp}/f.txt"), files={"f.txt": b"mine"},
        words=("is a file",)),
    Row("foi-no-authority-column", ("foi", "summary", "{tmp}/r.csv"),
        files={"r.csv": b"wave,trafficked_in_care\n2016,3\n"}, words=("r.csv", "authority")),
    Row("foi-duplicate-authority", ("foi", "summary", "{tmp}/r.csv"),
        files={"r.csv": b"authority,wave,trafficked_in_care\nA,2016,3\nA,2016,4\n"}, words=("r.csv", "A")),
    Row("foi-negative-count", ("foi", "summary", "{tmp}/r.csv"),
        files={"r.csv": b"authority,wave,trafficked_in_care\nA,2016,-3\n"}, words=("r.csv", "trafficked_in_care")),
    Row("foi-count-not-a-number", ("foi", "summary", "{tmp}/r.csv"),
        files={"r.csv": b"authority,wave,trafficked_in_care\nA,2016,Tiberius Quayle\n"},
        words=("r.csv", "trafficked_in_care")),
    Row("foi-validate-lists-problems", ("foi", "validate", "{tmp}/r.csv"),
        files={"r.csv": b"authority,wave,trafficked_in_care\nA,2016,Tiberius Quayle\n"}, exit=1, words=("problem",)),
    Row("foi-change-unknown-wave", ("foi", "change", "{foi}", "--from", "1999", "--to", "2016"), words=("1999",)),
    Row("foi-basis-unknown-figure", ("foi", "basis", "{foi}", "--figure", "nosuch", "--wave", "2016", "--cohort",
                                     "trafficked"), words=("nosuch",)),
    Row("foi-check-unknown-figure", ("foi", "check", "{tmp}/c.yaml", "{foi}"),
        files={"c.yaml": b"claims:\n  - {figure: nosuch, cohort: trafficked, wave: 2016, claimed: '5'}\n"},
        words=("c.yaml", "nosuch")),
    Row("report-foi-missing", ("report", "--survey", "{sample}", "--foi", "{tmp}/nope.xlsx", "--out", "{tmp}/r"),
        words=("file not found",)),
    # -- formats, report, sample ----------------------------------------------------------------------------
    Row("export-sav-wrong-suffix", ("export-sav", "{sample}", "--out", "{tmp}/x.txt"), words=("must name a .sav",)),
    Row("export-sav-missing-file", ("export-sav", "{tmp}/nope.csv", "--out", "{tmp}/x.sav"),
        words=("file not found",)),
    Row("report-threshold-0", ("report", "--survey", "{sample}", "--out", "{tmp}/r", "--threshold", "0"),
        words=("--threshold",)),
    Row("report-missing-survey", ("report", "--survey", "{tmp}/nope.csv", "--out", "{tmp}/r"),
        words=("--survey: file not found",)),
    Row("report-survey-is-a-folder", ("report", "--survey", "{tmp}/d", "--out", "{tmp}/r"),
        files={"d": Special("dir")}, words=("--survey", "folder")),
    Row("report-out-is-a-file", ("report", "--survey", "{sample}", "--out", "{tmp}/f.txt"),
        files={"f.txt": b"mine"}, words=("not a folder",)),
    Row("report-out-foreign-folder", ("report", "--survey", "{sample}", "--out", "{tmp}/theirs"),
        files={"theirs/thesis.docx": b"years of work"}, words=("not a surveykit report",), subprocess=True),
    Row("report-out-other-tools-manifest", ("report", "--survey", "{sample}", "--out", "{tmp}/theirs", "--force"),
        files={"theirs/manifest.json": b'{"tool": "x"}'}, words=("manifest.json is not surveykit's",)),
    Row("report-rankings-fifo", ("report", "--survey", "{sample}", "--rankings", "{tmp}/p.csv", "--out", "{tmp}/r"),
        files={"p.csv": Special("fifo")}, words=("named pipe",), subprocess=True),
    Row("sample-respondents-0", ("sample", "--out", "{tmp}/s", "--respondents", "0"), words=("--respondents",)),
    Row("sample-out-is-a-file", ("sample", "--out", "{tmp}/f.txt"), files={"f.txt": b"mine"}, words=("is a file",)),
]


def _make(tmp: Path, files: dict) -> None:
    for name, content in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Special):
            if content.kind == "fifo":
                os.mkfifo(p)
            elif content.kind == "dir":
                p.mkdir()
            elif content.kind == "loop":
                other = p.with_name(p.name + ".loop")
                p.symlink_to(other)
                other.symlink_to(p)
            elif content.kind == "dangling":
                p.symlink_to(tmp / "deleted-long-ago.csv")
            else:
                raise ValueError(content.kind)
        else:
            p.write_bytes(content)


def _state(root: Path) -> dict[str, str]:
    """Every entry under root with a digest of its bytes (files), its kind otherwise."""
    out = {}
    for dirpath, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "special"
    return out


SAMPLE_FOI = SAMPLE_SURVEY.parent / "foi_returns.xlsx"
SHARED_INPUTS = [SAMPLE_SURVEY, SAMPLE_RANKINGS, SAMPLE_FOI, CODEBOOKS / "missing_reasons.yaml",
                 CODEBOOKS / "professional_survey.yaml", CODEBOOKS / "youth_measures.yaml"]


def _invoke(args: list[str], tmp: Path, use_subprocess: bool) -> tuple[int, str, str]:
    if use_subprocess:
        try:
            result = run_cli(*args, cwd=tmp, timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"surveykit {' '.join(args)} hung")
        return result.returncode, result.stdout, result.stderr
    from typer.testing import CliRunner

    from surveykit.cli import app

    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_catalogue_is_large_and_distinct():
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
    assert len(ROWS) >= 60
    commands = {r.args[0] if r.args[0] not in ("code", "codebook", "instrument") or len(r.args) < 2
                or r.args[1].startswith("{")
                else f"{r.args[0]} {r.args[1]}" for r in ROWS}
    for command in ("validate", "inspect", "score", "effectiveness", "reasons", "compare", "banner", "rank", "voices",
                    "code", "codebook check", "codebook export", "codebook import", "quotes", "agree", "code train",
                    "code review", "code evaluate", "code export", "code import", "instrument draft",
                    "instrument check", "export-sav", "report", "sample", "foi"):
        assert command in commands, f"no bad input for {command}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_bad_input(row, tmp_path, monkeypatch):
    work = tmp_path / "case"
    work.mkdir()
    _make(work, row.files)
    monkeypatch.chdir(work)
    subs = {"tmp": str(work), "sample": str(SAMPLE_SURVEY), "rankings": str(SAMPLE_RANKINGS),
            "codebook": str(CODEBOOKS / "missing_reasons.yaml"), "foi": str(SAMPLE_FOI)}
    args = [a.format(**subs) for a in row.args]
    before = _state(work)
    shared = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_INPUTS}
    code, out, err = _invoke(args, work, row.subprocess)
    lines = [l for l in err.splitlines() if l.strip()]
    assert "Traceback" not in err, err
    assert SECRET.lower() not in (err + out).lower(), "an answer was echoed"
    assert code == row.exit, f"exit {code}, expected {row.exit}: {err}"
    assert len(lines) == 1, f"{len(lines)} stderr lines: {err}"
    for word in row.words:
        assert word.lower() in lines[0].lower(), f"{word!r} not in {lines[0]!r}"
    if row.exit == 2:
        assert out == "", f"stdout is not empty: {out[:200]!r}"
    assert _state(work) == before, "an input was changed or an output was written"
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_INPUTS} == shared
