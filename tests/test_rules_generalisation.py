"""Round 5 of the rule coder (issue 11, point 4): general wording and negation forms found on the two
development sets and on fragments written from the code definitions, not on the test set.

Each case is a made-up fragment whose expected codes follow the codebook's definitions and the gold
sets' labelling conventions (responses/gold/README.md), not the coder's output.
"""

from __future__ import annotations

import pytest

from surveykit.coding.codebook import load_codebook, parse_codebook
from surveykit.coding.rules import RuleCoder


@pytest.fixture(scope="module")
def shipped() -> RuleCoder:
    return RuleCoder(load_codebook())


def ids(coder: RuleCoder, text: str) -> set[str]:
    return set(coder.code_ids_of(text))


def one_code(pattern) -> RuleCoder:
    doc = {"id": "t", "title": "t", "version": "1", "themes": [{"id": "a", "label": "A"}],
           "codes": [{"id": "c", "label": "C", "theme": "a", "patterns": [pattern]}]}
    return RuleCoder(parse_codebook(doc))


def test_a_bare_not_naming_what_the_child_is_instead_is_a_contrast():
    coder = one_code({"phrase": "~treat * as * offender*|criminal*", "gap": 2})
    assert ids(coder, "treated as offenders not victims") == {"c"}
    assert ids(coder, "treated as a criminal not a victim") == {"c"}
    # A denial of the match itself still blocks it.
    assert ids(coder, "treated as offenders is not the issue") == set()
    assert ids(coder, "not treated as offenders") == set()


def test_a_negated_verb_of_existence_is_a_lack():
    lack = one_code({"phrase": "safety plan*", "negated": True})
    plain = one_code("traffick*")
    assert ids(lack, "Safety planning didn't happen.") == {"c"}
    assert ids(lack, "Safety plans don't exist for them.") == {"c"}
    assert ids(plain, "Trafficking doesn't happen in our area.") == set()


def test_hardly_and_barely_are_negation_cues(shipped):
    assert "lack_specialist_support" in ids(shipped, "Hardly any specialist support in our area.")
    assert "lack_specialist_support" in ids(shipped, "Barely any therapy on offer.")


@pytest.mark.parametrize("text, code", [
    # phrases whose word alternatives were written as several words and so never matched
    ("assessed as older than they are", "age_assessment"),
    ("having to tell their story over and over", "stressful_procedures"),
    ("scared of professionals", "lack_of_trust"),
    ("no social worker for months", "lack_advocacy"),
    ("strict curfews", "lack_of_control"),
    # wording the definitions call for
    ("Disputes over how old they are.", "age_assessment"),
    ("The council decided they were adults.", "age_assessment"),
    ("Letters from the HO about refusal.", "immigration"),
    ("worry about their legal status", "immigration"),
    ("The NRM process takes forever.", "stressful_procedures"),
    ("No missing-from-care protocol followed.", "poor_protection"),
    ("Missing episodes not followed up.", "poor_protection"),
    ("Nobody supervising them at night.", "poor_protection"),
    ("Specialist services are thin on the ground.", "lack_specialist_support"),
    ("No one advocating for them.", "lack_advocacy"),
    ("Four social workers in a year.", "lack_advocacy"),
    ("Placed in an isolated rural area.", "unsuitable_placement"),
    ("Moved 6 times in a year.", "unsuitable_placement"),
    ("Can't get halal food and nowhere to pray.", "isolation"),
    ("Feel like they don't fit in.", "isolation"),
    ("Nobody who speaks Pashto around them.", "isolation"),
    ("They want to make their own choices.", "lack_of_control"),
    ("Trying to reach their mum in Germany.", "family_reunification"),
    ("Relatives in the UK.", "family_reunification"),
    ("Made to move out at 18.", "forced_to_leave"),
    ("Given 48 hours to leave.", "forced_to_leave"),
    ("They are scared of the curse put on them.", "trafficker_control"),
    ("Promised work by the people who trafficked them.", "trafficker_control"),
    ("He returned to working in the car wash.", "re_trafficking"),
    ("Their story is questioned at every turn.", "not_believed"),
    ("Nobody takes their account seriously.", "not_believed"),
])
def test_general_wording(shipped, text, code):
    assert code in ids(shipped, text)


@pytest.mark.parametrize("text, expected", [
    # a debt owed to the exploiters is debt_bondage alone (the exploiters named only as creditors)
    ("Owe money to their handlers.", {"debt_bondage"}),
    ("Money is owed to the people who brought them across.", {"debt_bondage"}),
    # ... but threats on the next line of a list are still control
    ("- debt to traffickers\n- threats to relatives", {"debt_bondage", "trafficker_control"}),
    # pressure is a school/peer problem only when it comes from peers
    ("Pressure to pay off the smugglers.", {"debt_bondage"}),
    ("Pressured by other young people in the home to go out.", {"school_problems"}),
    # a placement named only as what the child is forced out of is no complaint about the placement
    ("Asked to leave the hostel when they turn 18.", {"forced_to_leave"}),
    ("Kicked out of school.", {"school_problems"}),
    # fear of the police arresting them is criminalisation, not distrust
    ("fear of the police locking them up", {"criminalisation"}),
    # an immigration removal centre is custody, not an immigration worry
    ("Released from an immigration removal centre.", {"release_detention_custody"}),
    # the authority's lack of choice of placements is not the child's lack of control
    ("No choice of placements in our LA, so they end up in hotels.", {"unsuitable_placement"}),
    # nobody to talk to in their language is isolation, not a missing advocate
    ("Nobody to talk to in their language.", {"isolation"}),
    ("Picked apart and doubted by the HO.", {"not_believed"}),
])
def test_sense_filters(shipped, text, expected):
    assert ids(shipped, text) == expected


def test_cli_codes_the_new_wording(cli, tmp_path):
    src = tmp_path / "answers.csv"
    src.write_text("respondent_id,answer\nr1,treated as offenders not victims\nr2,Owe money to their handlers\n",
                   encoding="utf-8")
    res = cli("code", "run", str(src), "--text-column", "answer", "-f", "csv")
    assert res.returncode == 0, res.stderr
    rows = [line.split(",") for line in res.stdout.strip().splitlines()]
    header = rows[0]
    got = {(r[header.index("respondent_id")], r[header.index("code_id")]) for r in rows[1:]}
    assert {c for r, c in got if r == "r1"} == {"criminalisation"}
    assert {c for r, c in got if r == "r2"} == {"debt_bondage"}
