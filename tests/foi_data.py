"""Small hand-made FOI returns whose answers the FOI tests work out by hand (not fixtures of the code)."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE_DIR

SAMPLE_XLSX = SAMPLE_DIR / "foi_returns.xlsx"
SAMPLE_CSV = SAMPLE_DIR / "foi_returns.csv"
SAMPLE_NATIONALITY = SAMPLE_DIR / "foi_nationality.csv"
SAMPLE_CLAIMS = SAMPLE_DIR / "foi_claims.yaml"

# Seven authorities, one wave (2020), trafficked cohort only. Worked out by hand in the tests:
#  in care: counted A1 10, A2 20, A3 0, A4 30 (approx.) -> 60 over 4; A7 a range 10-15, A6 "<5",
#           A5 refused under section 12.
#  went missing: A1 4, A2 5, A4 6, A5 3, A6 0, A7 2 -> 20 over 6 (A3 "n/a" is not held).
#  both numbers: A1, A2, A4 -> 15 of 60 = 25%.
HAND_2020 = """\
authority_id,authority,nation,region,trafficked_in_care,trafficked_went_missing,trafficked_episodes,trafficked_still_missing,trafficked_duration_under_24h,trafficked_duration_1_to_7_days,trafficked_duration_over_7_days
A1,Alpha,England,London,10,4,9,1,4,2,3
A2,Beta,England,London,20,5,not held,0,,,
A3,Gamma,England,North,0,n/a,,,,,
A4,Delta,Wales,,approx. 30,6,12,2,5,3,4
A5,Epsilon,Scotland,,Section 12,3,,,,,
A6,Zeta,England,North,<5,0,0,,,,
A7,Eta,England,North,10-15,2,4,,,,
"""

# The same authorities in 2016 (a different set answered): for the change between waves.
#  2016 both numbers: A1 8/2, A2 20/2, A3 10/1, A5 12/6 -> 11 of 50.
#  both waves (2016 and 2020, both numbers in both): A1, A2 -> 2016 4 of 28; 2020 9 of 30.
HAND_2016 = """\
authority_id,authority,nation,region,trafficked_in_care,trafficked_went_missing
A1,Alpha,England,London,8,2
A2,Beta,England,London,20,2
A3,Gamma,England,North,10,1
A4,Delta,Wales,,Not held,Not held
A5,Epsilon,Scotland,,12,6
A6,Zeta,England,North,,
A7,Eta,England,North,s12,s12
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def hand_files(tmp_path: Path) -> list[Path]:
    return [write(tmp_path / "returns_2016.csv", HAND_2016), write(tmp_path / "returns_2020.csv", HAND_2020)]
