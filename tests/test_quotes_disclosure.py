"""``surveykit quotes`` must not tell how many answers of a sector carry the code.

Before, a sector with fewer answers than ``--per-sector`` gave all of them: ``--per-sector 100`` on the
sample printed 2 quotes of debt_bondage from criminal_justice and legal, 3 from ngo and other, 1 from
immigration, health and education, every one of them a count ``code --view sectors`` shows as [c].
Now a sector with 1 to threshold - 1 such answers gives one quote and no sector more than
threshold - 1, so the number of quotes says only what the table says (none, some, or at least the
threshold); the count of answers with the code is [c] where it, or the count without it, is small.
"""

from __future__ import annotations

import io
import json

import pandas as pd

from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"


def _quotes(*extra: str) -> tuple[pd.DataFrame, str]:
    result = run_cli("quotes", SAMPLE, "--code", "debt_bondage", "--format", "csv", *extra)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False), result.stderr


def test_the_number_of_quotes_from_a_sector_gives_no_suppressed_count_away():
    shown, stderr = _quotes("--per-sector", "100")
    every, _ = _quotes("--per-sector", "100", "--no-suppress")  # internal use: every answer with the code
    true_counts = every["sector"].value_counts()
    got = shown["sector"].value_counts()
    assert set(got.index) == set(true_counts.index)  # a sector with none is still seen to have none
    for sector, count in true_counts.items():
        assert got[sector] == (1 if count < 5 else 4), sector
    assert (true_counts.between(2, 4)).any()  # the sample has sectors the old output gave away
    assert "gives one quote" in stderr
    # What the codes-by-sector table publishes for those sectors: [c].
    table = run_cli("code", SAMPLE, "--question", "q7", "--view", "sectors", "--format", "csv")
    assert table.returncode == 0, table.stderr
    sectors = pd.read_csv(io.StringIO(table.stdout), dtype=str, keep_default_na=False)
    row = sectors[sectors["code_id"] == "debt_bondage"]
    for sector, count in true_counts.items():
        if 0 < count < 5:
            assert (row.loc[row["sector"] == sector, "n"] == "[c]").all(), sector


def test_a_small_count_of_answers_with_the_code_is_suppressed_in_the_message_and_the_json():
    result = run_cli("quotes", SAMPLE, "--code", "debt_bondage", "--threshold", "30", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "quote(s) of [c] answers coded debt_bondage" in result.stderr
    assert json.loads(result.stdout)["n_with_code"] == "[c]"
    shown = run_cli("quotes", SAMPLE, "--code", "debt_bondage", "--format", "json")
    assert json.loads(shown.stdout)["n_with_code"] == 22


def test_the_library_protects_by_default_and_not_when_asked():
    import surveykit as sk
    from surveykit.coding.answers import answers_from_responses
    from surveykit.coding.quotes import select_quotes
    from surveykit.coding.rules import RuleCoder

    responses = sk.read(SAMPLE)
    answers = answers_from_responses(responses, question="q7", by="sector")
    codebook = sk.load_codebook(ROOT / "codebooks" / "missing_reasons.yaml")
    coder = RuleCoder(codebook)
    sets = {rid: frozenset(coder.code_ids_of(text)) for rid, text in answers if text}
    protected = select_quotes(answers, sets, "debt_bondage", per_sector=100, redact=False)
    every = select_quotes(answers, sets, "debt_bondage", per_sector=100, redact=False, suppress=False)
    counts = every.frame["sector"].value_counts()
    assert protected.frame["sector"].value_counts().to_dict() == {s: 1 if c < 5 else 4 for s, c in counts.items()}
    assert every.n_with_code == protected.n_with_code == len(every.frame)
    # A threshold of 1 hides nothing: every quote asked for.
    assert select_quotes(answers, sets, "debt_bondage", per_sector=100, redact=False, threshold=1).frame.equals(
        every.frame)
