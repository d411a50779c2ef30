"""The linear algebra of the disclosure checks (``surveykit.disclosure``): which hidden values the
published equations fix.

A suppressed value is recoverable exactly when every vector of the null space of the equations,
restricted to the unknowns, is zero at it. ``_System`` holds a search's equations as one matrix
(``determined``: that question for a set of unknowns, by an SVD; ``cannot_free``: which candidates
surely leave a determined value determined if hidden too). The equations are read through their
``terms`` and ``guard`` (``disclosure.Equation``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable, Iterable, Sequence

if TYPE_CHECKING:
    import numpy as np


class _System:
    """The equations as one matrix over every key they name, built once for a whole search
    (``find_suppressed`` asks ``determined`` hundreds of times about the same equations).

    Each equation's row of coefficients is summed term by term, in the order of its terms, as a
    row built for one question would be; ``determined`` takes the unknowns' columns and the active
    rows out of it, so the matrix given to the SVD holds the very same numbers, in the same order."""

    def __init__(self, equations: Iterable[Any]) -> None:
        import numpy as np

        self.equations = list(equations)
        keys: dict = {}
        for eq in self.equations:
            for k, _ in eq.terms:
                keys.setdefault(k, len(keys))
        matrix = np.zeros((len(self.equations), len(keys) + 1))  # the last column: a key in no equation
        for e, eq in enumerate(self.equations):
            for k, c in eq.terms:
                matrix[e, keys[k]] += c
        self.keys, self.matrix = keys, matrix
        self.guards = [eq.guard for eq in self.equations]

    def _unknowns(self, suppressed: list, hidden: Iterable[Hashable]) -> tuple[dict, list[int], list[int]]:
        """The unknowns' places (``suppressed``, then the ``hidden`` not among them), their columns in
        the matrix and the equations active with them hidden (a guard hidden drops its equation)."""
        unknown = suppressed + [h for h in hidden if h not in set(suppressed)]
        index = {k: i for i, k in enumerate(unknown)}
        zero = len(self.keys)
        # a key listed twice counts at its last place (a dict of places); the other column stays zero
        cols = [self.keys.get(k, zero) if index[k] == i else zero for i, k in enumerate(unknown)]
        active = [e for e, g in enumerate(self.guards) if g is None or g not in index]
        return index, cols, active

    def determined(self, suppressed: Sequence[Hashable], hidden: Iterable[Hashable] = ()) -> list[Hashable]:
        suppressed = list(suppressed)
        if not suppressed or not self.equations:
            return []
        _, cols, active = self._unknowns(suppressed, hidden)
        rows = self.matrix[active][:, cols]
        rows = rows[rows.any(axis=1)]
        if not len(rows):
            return []  # no equation touches the unknowns: nothing is determined
        return _det(rows, suppressed)

    def cannot_free(self, suppressed: Sequence[Hashable], hidden: Iterable[Hashable], j: Hashable,
                    candidates: Sequence[Hashable]) -> list[bool]:
        """For each candidate count (no guard, neither suppressed nor hidden yet), whether hiding it too
        surely leaves the determined ``j`` determined, from one decomposition for them all: hiding
        k frees j only when k's column is a combination of the unknowns' columns in which j takes
        part (the new null vector is then nonzero at j). True only with a wide margin either way; a
        candidate it is not sure of is left to the exact check (``determined``), which
        ``find_suppressed`` runs for every candidate not ruled out here, in the same order, so the
        choice is the one it made asking ``determined`` of each."""
        import numpy as np

        index, cols, active_rows = self._unknowns(list(suppressed), hidden)
        active = self.matrix[active_rows]
        a, c = active[:, cols], active[:, [self.keys.get(k, len(self.keys)) for k in candidates]]
        u, s, vt = np.linalg.svd(a, full_matrices=False)
        rank = _rank(s, a.shape)
        if rank == 0:
            return [False] * len(candidates)
        along = u[:, :rank].T @ c  # each candidate's column in the unknowns' column space
        scale = np.maximum(1.0, np.sqrt((c * c).sum(axis=0)))
        off = np.sqrt(((c - u[:, :rank] @ along) ** 2).sum(axis=0)) / scale
        at_j = (vt[:rank, index[j]] / s[:rank]) @ along  # j's part in the combination
        return [bool(x) for x in (off > 1e-6) | ((off < 1e-10) & (np.abs(at_j) < 1e-10))]


#: _det's answers by matrix (its shape and bytes) and number of suppressed keys: the items of a run
#: share scales and groups, so the same systems come back (227 distinct of 373 in the sample
#: report). Bounded: the oldest answers go first.
_DET_MEMO: dict[tuple, tuple[int, ...]] = {}
_DET_MEMO_SIZE = 2048


def _det(rows, suppressed: Sequence[Hashable]) -> list[Hashable]:
    import numpy as np

    a = np.array(rows)
    key = (a.shape, a.tobytes(), len(suppressed))
    found = _DET_MEMO.get(key)
    if found is None:
        found = _DET_MEMO[key] = _determined_places(a, len(suppressed))
        if len(_DET_MEMO) > _DET_MEMO_SIZE:
            del _DET_MEMO[next(iter(_DET_MEMO))]
    return [suppressed[i] for i in found]


def _determined_places(a: "np.ndarray", n_suppressed: int) -> tuple[int, ...]:
    """The places (among the first ``n_suppressed`` columns of ``a``) of the unknowns that the rows
    of ``a`` fix: those where every vector of its null space is zero."""
    import numpy as np

    _, s, vt = np.linalg.svd(a)
    rank = _rank(s, a.shape)
    null = vt[rank:].T  # ncols x nullity
    if null.shape[1] == 0:
        return tuple(range(n_suppressed))
    # Each row's Euclidean norm as np.linalg.norm computes it (the row copied contiguous, then
    # sqrt(x . x)), without its per-call overhead: the same numbers, so the same answers.
    rows_c = np.ascontiguousarray(null[:n_suppressed])
    return tuple(i for i in range(n_suppressed) if np.sqrt(rows_c[i].dot(rows_c[i])) < 1e-9)


def _rank(singular: "np.ndarray", shape: tuple[int, ...]) -> int:
    """The numerical rank: the singular values above ten times the machine precision of the largest,
    scaled by the matrix's larger side."""
    import numpy as np

    tol = max(shape) * np.finfo(float).eps * (singular[0] if singular.size else 0.0) * 10
    return int(np.sum(singular > tol))
