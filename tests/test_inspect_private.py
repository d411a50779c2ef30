"""`inspect` lists the values of closed-looking columns to check the reading, but not a value given by
fewer than 5 respondents unless the questionnaire declares it: a name, an email address or a typed
"Other" answer given once can identify someone (library and CLI; --no-suppress for internal use)."""

from __future__ import annotations

import csv
import json

from surveykit.inspection import inspect_export


def _export(tmp_path):
    path = tmp_path / "forms.csv"
    rows = [["ID", "Email", "Name", "How safe do you feel?", "Sector"]]
    for i in range(8):
        rows.append([str(i + 1), f"secret{i}@example.org", f"SECRETNAME {i}",
                     "Very safe" if i < 6 else ("Unsafe" if i == 6 else "SECRETANSWER with my cousin Dan"),
                     "Police" if i < 7 else "Education"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _values(columns, header):
    return next(c["values"] for c in columns if c["header"] == header)


def test_rare_values_are_counted_not_listed(cli, tmp_path):
    path = _export(tmp_path)
    r = cli("inspect", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "SECRET" not in r.stdout + r.stderr and "example.org" not in r.stdout
    cols = json.loads(r.stdout)["columns"]
    assert _values(cols, "Email") == "8 other value(s) given fewer than 5 times, not shown"
    assert _values(cols, "How safe do you feel?") == "Very safe (6); 2 other value(s) given fewer than 5 times, not shown"
    # The instrument's sectors are declared options: a rare one is named, its count is not.
    assert _values(cols, "Sector") == "Police (7); Education (<5)"
    table = cli("inspect", path)
    assert table.returncode == 0 and "SECRET" not in table.stdout and "example.org" not in table.stdout
    full = cli("inspect", path, "--format", "json", "--no-suppress")
    assert "SECRETANSWER with my cousin Dan (1)" in _values(json.loads(full.stdout)["columns"], "How safe do you feel?")
    assert "internal use only" in full.stderr
    lower = cli("inspect", path, "--format", "json", "--threshold", "2")
    assert _values(json.loads(lower.stdout)["columns"], "Sector") == "Police (7); Education (<2)"


def test_library_suppresses_by_default(tmp_path):
    path = _export(tmp_path)
    report = inspect_export(path)
    assert "SECRET" not in json.dumps(report.as_dict())
    assert "SECRETNAME 0 (1)" in json.dumps(inspect_export(path, suppress=False).as_dict())
