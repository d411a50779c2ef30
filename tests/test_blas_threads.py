"""The disclosure checks run with one BLAS thread wherever they are reached (``surveykit.blas``).

``surveykit report`` always limited its BLAS to one thread; the library (``sk.compare``, ``sk.score``,
``sk.report``) and the other commands ran the same thousands of small decompositions with the
default threads, a second of which only spins: ``sk.compare`` of 2,000 respondents by region took
4.8 s of CPU against 2.8 s with one thread. The tests start with two BLAS threads (the suite itself
runs with one) and read the number in force at each decomposition.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE_SURVEY
from threadpoolctl import threadpool_info, threadpool_limits

from surveykit import blas, disclosure_algebra


def _blas_threads() -> list[int]:
    return sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})


@pytest.fixture
def two_threads():
    import numpy  # noqa: F401  (numpy's and scipy's BLAS loaded before the limit is set)
    import scipy.linalg  # noqa: F401

    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == [2]
        yield


@pytest.fixture
def seen(monkeypatch):
    """The BLAS threads in force at the first decompositions the disclosure checks make."""
    found: list[list[int]] = []
    real = disclosure_algebra._determined_places

    def spy(a, n):
        if len(found) < 3:
            found.append(_blas_threads())
        return real(a, n)

    monkeypatch.setattr(disclosure_algebra, "_DET_MEMO", {})  # every system is decomposed afresh
    monkeypatch.setattr(disclosure_algebra, "_determined_places", spy)
    return found


def test_one_thread_in_the_block_and_the_limit_restored_after(two_threads):
    with blas.one_blas_thread():
        assert _blas_threads() == [1]
        with blas.one_blas_thread():
            assert _blas_threads() == [1]
        assert _blas_threads() == [1]  # the inner block left the outer one's limit alone
    assert _blas_threads() == [2]


def test_a_nested_block_does_not_look_for_the_libraries_again(two_threads, monkeypatch):
    calls = []
    real = blas._controller
    monkeypatch.setattr(blas, "_controller", lambda: calls.append(1) or real())
    with blas.one_blas_thread():
        for _ in range(5):
            with blas.one_blas_thread():
                pass
    assert len(calls) == 1


def test_library_compare_checks_with_one_thread(two_threads, seen):
    import surveykit as sk

    sk.compare(sk.read(SAMPLE_SURVEY), by="region", questions=["q16", "q17"])
    assert seen and all(threads == [1] for threads in seen)
    assert _blas_threads() == [2]  # the caller's setting afterwards


def test_cli_score_checks_with_one_thread(two_threads, seen, cli):
    r = cli("score", SAMPLE_SURVEY, "--by", "region", "--question", "q16")
    assert r.returncode == 0, r.stderr
    assert seen and all(threads == [1] for threads in seen)
    assert _blas_threads() == [2]
