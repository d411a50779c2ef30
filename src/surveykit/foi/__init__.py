"""Local authority Freedom of Information returns: reading, checking and the figures of chapter 2.

    from surveykit import foi
    returns = foi.read_returns(["responses/sample/foi_returns.xlsx"])
    foi.share_missing(returns, wave="2016")          # 28% (167 of 590), with its basis
    foi.change(returns, waves=("2016", "2020"))       # both-wave and all-responder changes
    foi.check_claims(returns, foi.load_claims("claims.yaml"))

Every table states its basis (``n_authorities`` and ``basis``); small counts of children are
suppressed by default (``suppress=True``, ``threshold=5``). See docs/foi.md.
"""

from surveykit.foi.cells import STATUSES, Cell, parse_cell
from surveykit.foi.change import Reference, change, parse_reference, reference_ratio
from surveykit.foi.claims import Claim, check_claims, load_claims, parse_claims
from surveykit.foi.figures import coverage, durations, episodes_per_child, share_missing, still_missing, totals
from surveykit.foi.returns import AuthorityReturn, ReturnIssue, Returns, read_returns
from surveykit.foi.summary import FIGURE_NAMES, figures, summary_tables
from surveykit.foi.tables import by_region, gender_table, large_authorities, nationality_table, size_test
from surveykit.foi.validate import Validation, consistency_issues, validate_returns

__all__ = [
    "STATUSES", "Cell", "parse_cell", "Returns", "AuthorityReturn", "ReturnIssue", "read_returns",
    "Validation", "validate_returns", "consistency_issues",
    "coverage", "totals", "share_missing", "episodes_per_child", "still_missing", "durations",
    "by_region", "large_authorities", "nationality_table", "gender_table", "size_test",
    "change", "reference_ratio", "Reference", "parse_reference",
    "figures", "summary_tables", "FIGURE_NAMES",
    "Claim", "load_claims", "parse_claims", "check_claims",
]
