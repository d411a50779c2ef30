"""Package data banks: the sample's sentence banks read as constants, and a damaged data file is one
clear error naming the file (never a traceback, never its content)."""

import pytest

from surveykit.errors import InputError
from surveykit.io import resources
from surveykit.io.wordlists import read_data_bank, read_data_list


def test_sentence_banks_are_read_as_tuples_in_file_order():
    import json

    banks = read_data_bank("sample/text_banks.json")
    raw = json.loads((resources.data_dir() / "sample" / "text_banks.json").read_text(encoding="utf-8"))
    assert list(banks["Q7_CODES"]) == list(raw["Q7_CODES"])  # order kept: the seeded generator indexes into it
    sentences, phrases = banks["Q7_CODES"]["debt_bondage"]
    assert isinstance(sentences, tuple) and isinstance(phrases, tuple) and sentences
    assert isinstance(banks["REGION_WEIGHTS"][0], tuple)
    assert abs(sum(w for _, w in banks["REGION_WEIGHTS"]) - 1) < 1e-9


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00bad", None])
def test_a_damaged_or_missing_bank_is_one_error_naming_the_file(tmp_path, monkeypatch, content):
    (tmp_path / "sample").mkdir()
    if content is not None:
        (tmp_path / "sample" / "text_banks.json").write_bytes(content)
        (tmp_path / "sample" / "list.txt.gz").write_bytes(content)
    monkeypatch.setattr(resources, "data_dir", lambda: tmp_path)
    with pytest.raises(InputError) as bank:
        read_data_bank("sample/text_banks.json")
    with pytest.raises(InputError) as words:
        read_data_list("sample/list.txt.gz")
    assert "data/sample/text_banks.json is missing or damaged" in str(bank.value)
    assert "data/sample/list.txt.gz is missing or damaged" in str(words.value)
    assert "not json" not in str(bank.value)
