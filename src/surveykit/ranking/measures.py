"""The measures codebook of the youth ranking exercise (``codebooks/youth_measures.yaml`` by default):
each measure, the survey grid item it matches and where the study published it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.errors import CodebookError, invalid_choice

_PUBLISHED = re.compile(r"^(top|bottom)\s+(\d+)$")


# -- the measures codebook -----------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """One measure. ``published`` is ``("top", n)``, ``("bottom", n)`` (bottom 1 = the worst) or
    None when ``assumed`` (our reconstruction of a measure the study did not publish)."""

    id: str
    label: str
    item: str  # the grid item of the survey this measure matches (the instrument's youth grid)
    published: tuple[str, int] | None
    assumed: bool

    @property
    def published_text(self) -> str:
        if self.published is None:
            return "assumed"
        end, n = self.published
        return f"{end} {n}"


@dataclass(frozen=True)
class MeasureSet:
    measures: tuple[Measure, ...]
    path: str = "<measures>"
    title: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise invalid_choice("measure", measure_id, self.ids)

    def published_top(self) -> tuple[str, ...]:
        """Ids the study published as most effective, best first."""
        tops = sorted((m.published[1], m.id) for m in self.measures if m.published and m.published[0] == "top")
        return tuple(i for _, i in tops)

    def published_bottom(self) -> tuple[str, ...]:
        """Ids the study published as most ineffective, worst first."""
        bottoms = sorted((m.published[1], m.id) for m in self.measures if m.published and m.published[0] == "bottom")
        return tuple(i for _, i in bottoms)


def default_measures_path() -> Path:
    from surveykit.io.resources import codebooks_dir

    return codebooks_dir() / "youth_measures.yaml"


def load_measures(path: str | Path | None = None) -> MeasureSet:
    """Load and check the measures codebook (``codebooks/youth_measures.yaml`` by default)."""
    from surveykit.io.yaml_file import read_yaml

    p = Path(path) if path is not None else default_measures_path()
    return parse_measures(read_yaml(p, error=CodebookError, what="measures codebook"), path=str(p))


def parse_measures(doc: Any, *, path: str = "<measures>") -> MeasureSet:
    """Build a MeasureSet from parsed YAML; one clear CodebookError for the first problem."""
    if not isinstance(doc, dict) or not isinstance(doc.get("measures"), list) or not doc["measures"]:
        raise CodebookError("expected a mapping with a non-empty 'measures' list", path=path)
    out: list[Measure] = []
    seen: set[str] = set()
    for n, mdef in enumerate(doc["measures"], start=1):
        where = f"measure {n}"
        if not isinstance(mdef, dict):
            raise CodebookError(f"{where}: expected a mapping with id, label, item, published", path=path)
        for key in ("id", "label", "item", "published"):
            if not str(mdef.get(key) or "").strip():
                raise CodebookError(f"{where}: '{key}' is missing", path=path)
        mid = str(mdef["id"]).strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", mid):
            raise CodebookError(f"{where}: id {mid!r} must be snake_case (a-z, 0-9, _)", path=path)
        if mid in seen:
            raise CodebookError(f"measure {mid!r} is declared twice", path=path)
        seen.add(mid)
        pub = str(mdef["published"]).strip().lower()
        if pub == "assumed":
            published, assumed = None, True
        else:
            m = _PUBLISHED.match(pub)
            if not m or int(m.group(2)) < 1:
                raise CodebookError(f"measure {mid!r}: published must be 'top N', 'bottom N' or 'assumed'; "
                                    f"got {mdef['published']!r}", path=path)
            published, assumed = (m.group(1), int(m.group(2))), False
        out.append(Measure(id=mid, label=str(mdef["label"]).strip(), item=str(mdef["item"]).strip(),
                           published=published, assumed=assumed))
    for end in ("top", "bottom"):
        places = sorted(m.published[1] for m in out if m.published and m.published[0] == end)
        if places != list(range(1, len(places) + 1)):
            raise CodebookError(f"the '{end} N' places must run 1..{len(places)} once each; got {places}", path=path)
    return MeasureSet(measures=tuple(out), path=path, title=str(doc.get("title") or ""))
