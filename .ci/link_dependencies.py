"""Give a fresh virtual environment the dependencies a wheel declares, linked from this environment.

    python .ci/link_dependencies.py DIST/surveykit-X-py3-none-any.whl FRESH_VENV

The install check (.ci/install_check.sh) installs the wheel into a fresh environment. Copying its
dependencies there again cost about 18 CPU seconds per `make test` (pip unpacks some 470 MB). They are
already installed here, at the versions pip resolved for this checkout, so each one the wheel requires
(its Requires-Dist without extras, and theirs, markers evaluated) is linked there instead, by the
top-level folders and files its RECORD names. Only those: a module the package imports is missing
there unless a declared dependency, or one of theirs, brings it, as for a user. The versions are the
ones installed here (with the test extras), not the ones pip would choose for the wheel alone.

Exit 0 when everything was linked. Exit 3, having linked nothing, when pip should install the
dependencies the usual way instead: a requirement is not installed here at a version that satisfies
it, an installed distribution has no file list (RECORD), or `packaging` is not importable here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # without packaging here, pip installs the dependencies the usual way
    sys.exit(3)

NOT_HERE = 3


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(name).decode("utf-8")
    # The headers only: the description after them may quote anything.
    return [Requirement(r) for r in Parser().parsestr(text, headersonly=True).get_all("Requires-Dist") or []]


def applies(req: Requirement, extras: set[str]) -> bool:
    """Whether a requirement holds here when its distribution is wanted with these extras."""
    if req.marker is None:
        return True
    env = default_environment()
    return any(req.marker.evaluate({**env, "extra": extra}) for extra in {""} | extras)


def closure(requirements: list[Requirement]) -> list[metadata.Distribution]:
    """Every distribution the requirements need, found here; LookupError names one that is missing or
    whose version does not satisfy its requirement."""
    extras_of: dict[str, set[str]] = {}
    found: dict[str, metadata.Distribution] = {}
    todo = [req for req in requirements if applies(req, set())]
    while todo:
        req = todo.pop()
        key = canonicalize_name(req.name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise LookupError(f"{req.name} is not installed here") from None
        if not req.specifier.contains(dist.version, prereleases=True):
            raise LookupError(f"{req.name} {dist.version} here does not satisfy {req}")
        if dist.files is None:  # installed without a RECORD (by hand, or an old egg): nothing to link by
            raise LookupError(f"{req.name} here has no list of its files")
        done = extras_of.get(key)
        if done is not None and set(req.extras) <= done:
            continue
        extras_of[key] = (done or set()) | set(req.extras)
        found[key] = dist
        todo += [sub for sub in map(Requirement, dist.requires or []) if applies(sub, extras_of[key])]
    return list(found.values())


def _site_files(dist: metadata.Distribution) -> list[Path]:
    """The distribution's files that live in site-packages (not its console scripts), relative to it."""
    rels = (Path(str(entry)) for entry in dist.files or [])
    return [rel for rel in rels if not rel.is_absolute() and ".." not in rel.parts]


def link(dists: list[metadata.Distribution], site: Path) -> tuple[int, int]:
    """Link the distributions' files into ``site``: a top-level folder or file that only these
    distributions' RECORDs name, and no other distribution installed here, is one symlink (a few
    hundred links, not 20,000 files: creating links costs real time on this machine's disk); a folder
    shared with another distribution (a namespace package) is linked file by file, so nothing of a
    distribution that is not required comes along. Returns (whole entries, single files)."""
    wanted = {canonicalize_name(d.metadata["Name"]) for d in dists}
    owners: dict[str, set[str]] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if dist.files is None:  # its folders are unknown: one of them could hide inside a linked folder
            raise LookupError(f"{name} here has no list of its files")
        for rel in _site_files(dist):
            owners.setdefault(rel.parts[0], set()).add(name)
    whole, single = 0, 0
    for dist in dists:
        source = Path(str(dist.locate_file(""))).resolve()
        for top in sorted({rel.parts[0] for rel in _site_files(dist)}):
            dst = site / top
            if owners.get(top, set()) <= wanted:
                if not os.path.lexists(dst) and (source / top).exists():
                    os.symlink(source / top, dst)
                    whole += 1
                continue
            for rel in _site_files(dist):
                if rel.parts[0] != top or not (source / rel).is_file():  # RECORD may list bytecode never written
                    continue
                (site / rel).parent.mkdir(parents=True, exist_ok=True)
                if not os.path.lexists(site / rel):
                    os.symlink(source / rel, site / rel)
                    single += 1
    return whole, single


def main(argv: list[str]) -> int:
    wheel, venv = Path(argv[0]), Path(argv[1])
    try:
        dists = closure(wheel_requirements(wheel))
        # The fresh environment's own site-packages, as its interpreter names it.
        ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
        site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", ask], capture_output=True, text=True,
                                   check=True).stdout.strip())
        site.mkdir(parents=True, exist_ok=True)
        whole, single = link(dists, site)
    except LookupError as exc:
        print(f"link_dependencies: {exc}; pip installs them instead", file=sys.stderr)
        return NOT_HERE
    names = ", ".join(sorted(canonicalize_name(d.metadata["Name"]) for d in dists))
    print(f"link_dependencies: {len(dists)} distributions linked ({whole} folders and files whole, {single} "
          f"files one by one): {names}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
