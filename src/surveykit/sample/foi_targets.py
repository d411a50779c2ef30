"""What the synthetic FOI sample is calibrated to: the published figures, region by region.

The 2016 tables come from Heading back to harm (ECPAT UK and Missing People, 2016), chapter 2
(Figures 1-3, 6-9, 12-13 and its text); the later waves from the published follow-up totals. See
``surveykit.sample.foi`` for how they are used.
"""

from __future__ import annotations

#: (nation, region, authorities): the study's regions; 217 authorities in all.
REGIONS = (
    ("England", "East Anglia", 11), ("England", "East Midlands", 9), ("England", "London", 33),
    ("England", "North", 15), ("England", "North East", 12), ("England", "North West", 23),
    ("England", "South East", 19), ("England", "South West", 16), ("England", "West Midlands", 14),
    ("Wales", "Wales", 22), ("Scotland", "Scotland", 32), ("Northern Ireland", "Northern Ireland", 11),
)
COHORTS = ("trafficked", "unaccompanied", "separated")
BANDS = ("under_24h", "1_to_7_days", "over_7_days")
BANDED = ("trafficked", "unaccompanied")
WAVES = ("2016", "2018", "2020", "2024")
PERIODS = {"2016": "Sep 2014 - Aug 2015", "2018": "Sep 2016 - Aug 2017", "2020": "Sep 2018 - Aug 2019",
           "2024": "Apr 2022 - Mar 2023"}

# 2016, per region: in care, authorities with one or more, of them with exactly one, went missing,
# authorities where one or more went missing, authorities that gave no number for in care.
# Totals: Figures 1-3 and 8-9; the regional split of in care follows the study's text (75% / 90%
# in London, the South East, East Anglia and the Midlands; Wales 14/57, Scotland 48/150, NI 13/20).
T16 = {  # trafficked
    "East Anglia": (85, 5, 0, 21, 4, 2), "East Midlands": (40, 4, 0, 18, 4, 2), "London": (160, 19, 3, 43, 10, 4),
    "North": (20, 4, 2, 5, 2, 3), "North East": (15, 3, 1, 8, 2, 2), "North West": (22, 5, 2, 6, 2, 5),
    "South East": (110, 8, 0, 31, 5, 3), "South West": (13, 3, 1, 6, 2, 3), "West Midlands": (50, 5, 1, 20, 5, 3),
    "Wales": (14, 4, 2, 0, 0, 4), "Scotland": (48, 5, 1, 2, 1, 9), "Northern Ireland": (13, 3, 1, 7, 2, 3),
}
U16 = {  # unaccompanied
    "East Anglia": (300, 10, 1, 54, 8, 1), "East Midlands": (150, 8, 1, 23, 5, 1), "London": (2100, 30, 0, 197, 24, 1),
    "North": (70, 11, 3, 11, 4, 2), "North East": (40, 8, 2, 2, 1, 2), "North West": (95, 15, 3, 5, 3, 3),
    "South East": (1500, 16, 0, 256, 13, 1), "South West": (45, 8, 2, 7, 3, 2), "West Midlands": (217, 12, 1, 31, 8, 2),
    "Wales": (57, 5, 1, 2, 2, 3), "Scotland": (150, 5, 1, 3, 2, 4), "Northern Ireland": (20, 2, 1, 2, 1, 1),
}
# Figures 6-7: the authorities above 20 trafficked / 100 unaccompanied, as (region, {cohort: (in care,
# went missing)}); one slot may hold both cohorts, as one county council did in the study.
FIXED16 = (
    ("East Anglia", {"trafficked": (58, 11)}),
    ("London", {"trafficked": (37, 22), "unaccompanied": (216, 19)}),
    ("London", {"trafficked": (31, 6), "unaccompanied": (605, 85)}),
    ("South East", {"trafficked": (31, 21), "unaccompanied": (985, 190)}),
    ("South East", {"unaccompanied": (129, 32)}),
)
CAP16 = {"trafficked": (20, 21), "unaccompanied": (100, 99)}  # largest other in care / went missing
EPISODES16 = {"trafficked": (331, 138), "unaccompanied": (994, 414)}  # episodes; children they stand on
STILL16 = (207, 45, 53)  # still missing (all cohorts), authorities, largest
# Figures 12-13: (nationality, male, female) of the children who went missing.
NATIONALITY16 = {
    "trafficked": (10, (("Vietnamese", 12, 0), ("British", 1, 9), ("Albanian", 1, 1), ("Egyptian", 1, 0),
                        ("Eritrean", 1, 0), ("Hungarian", 0, 1), ("Non-EU", 0, 1), ("Polish", 1, 0),
                        ("Turkish", 1, 0), ("Zimbabwean", 0, 1), ("No further information given", 8, 15))),
    "unaccompanied": (14, (("Albanian", 82, 2), ("Afghan", 71, 1), ("Vietnamese", 36, 9), ("Eritrean", 38, 3),
                           ("Syrian", 26, 1), ("Egyptian", 25, 0), ("Non-EU", 10, 4), ("Turkish", 6, 1),
                           ("Iraq", 6, 0), ("Iranian", 4, 2), ("African", 4, 1), ("Sudanese", 5, 0),
                           ("Algerian", 4, 0), ("Kuwati", 3, 1), ("Moroccan", 4, 0), ("Pakistani", 2, 1),
                           ("Ethiopian", 2, 0), ("Chinese", 1, 0), ("European", 1, 0), ("Indian", 1, 0),
                           ("Lebanese", 1, 0), ("Middle Eastern", 1, 0), ("No further information given", 26, 2))),
}
# Later waves: published totals where there are some (see the module docstring), plausible otherwise.
# cohort: (provided, in care, share with one or more, went missing, episodes per child, still missing share)
LATER = {
    "2018": {"trafficked": (181, 960, 0.45, 262, 2.6, 0.22), "unaccompanied": (199, 5210, 0.70, 634, 2.5, 0.18),
             "separated": (44, 120, 0.45, 18, 2.0, 0.1)},
    "2020": {"trafficked": (186, 1231, 0.50, 378, 8.0, 0.2), "unaccompanied": (201, 5380, 0.72, 715, 3.1, 0.17),
             "separated": (47, 131, 0.45, 21, 2.0, 0.1)},
    "2024": {"trafficked": (196, 2638, 0.62, 864, 5.2, 0.21), "unaccompanied": (205, 12530, 0.85, 1501, 3.4, 0.16),
             "separated": (52, 160, 0.5, 25, 2.0, 0.1)},
}
LATER_NOTE = "Only the published totals of the later waves are calibrated; every other number is synthetic."

REFUSED_TEXTS = ("Section 12 - cost limit", "Refused (s12)", "Exceeds appropriate limit", "s.12 exemption applied",
            "Refused - cost limit", "Section 12")
NOT_HELD_TEXTS = ("Not held", "Information not held", "Not recorded", "Data not held centrally", "Not known",
             "Not held", "Unknown")
SUPPRESSED_TEXTS = ("<10", "fewer than 10", "*", "<5")
ZERO_TEXTS = ("0", "0", "0", "0", "nil", "None", "Nil", "0")


def claims_yaml() -> str:
    """The study's headline claims as a claims file (two of them disagree with their own numbers)."""
    return """\
# Published claims to check against the returns: surveykit foi check foi_claims.yaml foi_returns.xlsx
# Source: Heading back to harm (ECPAT UK and Missing People, 2016), chapter 2, and the later
# follow-up figures. The sample returns are synthetic and calibrated to these figures.
claims:
  - id: trafficked_in_care
    text: "590 children identified or suspected as trafficked were in care"
    figure: in_care
    cohort: trafficked
    wave: 2016
    claimed: 590
  - id: unaccompanied_in_care
    figure: in_care
    cohort: unaccompanied
    wave: 2016
    claimed: "4,744"
  - id: trafficked_provided
    text: "174 (80%) provided information"
    figure: authorities_provided
    cohort: trafficked
    wave: 2016
    claimed: "174 (80%)"
  - id: trafficked_one_or_more
    text: "68 (40%) had one or more children identified or suspected as trafficked"
    figure: authorities_one_or_more
    cohort: trafficked
    wave: 2016
    claimed: "68 (40%)"
  - id: unaccompanied_one_or_more
    figure: authorities_one_or_more
    cohort: unaccompanied
    wave: 2016
    claimed: "130 (67%)"
  - id: trafficked_went_missing
    text: "28% (167) of trafficked children in care went missing"
    figure: went_missing
    cohort: trafficked
    wave: 2016
    claimed: "167 (28%)"
  - id: unaccompanied_went_missing
    figure: went_missing
    cohort: unaccompanied
    wave: 2016
    claimed: "593 (13%)"
  - id: trafficked_episodes
    text: "331 missing incidents were recorded for the trafficked children who went missing"
    figure: episodes
    cohort: trafficked
    wave: 2016
    claimed: 331
  - id: episodes_per_child
    text: "about 2.4 incidents per child (over the authorities that reported both numbers)"
    figure: episodes_per_child
    cohort: trafficked
    wave: 2016
    claimed: 2.4
  - id: episodes_per_child_all
    text: "331 incidents for the 167 children: about 2.4 per child"
    figure: episodes_per_child_unmatched
    cohort: trafficked
    wave: 2016
    claimed: 2.4
  - id: still_missing
    text: "207 children had not been found, reported by 45 authorities"
    figure: still_missing
    cohort: all
    wave: 2016
    claimed: 207
  - id: over_a_week
    text: "around a third are missing for more than a week"
    figure: share_over_a_week
    cohort: trafficked
    wave: 2016
    claimed: "around a third"
  - id: trafficked_2020
    text: "in 2020, 378 of 1,231 trafficked children in care went missing (31%)"
    figure: share_missing
    cohort: trafficked
    wave: 2020
    claimed: 31%
  - id: episodes_2020
    text: "eight missing episodes each on average"
    figure: episodes_per_child
    cohort: trafficked
    wave: 2020
    claimed: eight
  - id: trafficked_2024
    figure: went_missing
    cohort: trafficked
    wave: 2024
    claimed: 864
  - id: rate_ratio_2016
    text: "trafficked children in care went missing more than four times as often as looked-after children overall"
    figure: rate_ratio
    cohort: trafficked
    wave: 2016
    reference: 6110/99230
    claimed: "more than four times"
"""
