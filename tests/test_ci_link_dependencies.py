"""`.ci/link_dependencies.py`, which gives the install check's fresh environment the wheel's declared
dependencies by linking them from this environment: only what is declared (and what that needs) comes
along, and a requirement not met here hands the install back to pip."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "link_dependencies.py"


def fake_wheel(folder: Path, *requires: str) -> Path:
    lines = ["Metadata-Version: 2.1", "Name: fake", "Version: 1.0", *(f"Requires-Dist: {r}" for r in requires)]
    wheel = folder / "fake-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("fake-1.0.dist-info/METADATA", "\n".join(lines) + "\n")
    return wheel


def run(wheel: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(wheel), str(venv)], capture_output=True, text=True)


def site_of(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))


def test_links_the_declared_requirement_and_what_it_needs_and_nothing_else(tmp_path):
    # rich needs markdown-it-py and pygments; pyyaml is installed here but not declared, so it stays out.
    proc = run(fake_wheel(tmp_path, "rich>=13", 'pandas>=2; extra == "big"'), tmp_path / "venv")
    assert proc.returncode == 0, proc.stderr
    site = site_of(tmp_path / "venv")
    linked = {p.name for p in site.iterdir()}
    assert {"rich", "markdown_it", "mdurl", "pygments"} <= linked, sorted(linked)
    assert not {"yaml", "pandas", "surveykit"} & linked, sorted(linked)  # undeclared, an extra, the package
    for name in ("rich", "markdown_it"):
        assert (site / name).is_symlink() and (site / name / "__init__.py").is_file()
    # What is linked is importable there, with its metadata.
    probe = "import importlib.metadata as m, rich.markdown; print(m.version('markdown-it-py'))"
    out = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == metadata.version("markdown-it-py"), out.stderr


def test_a_requirement_not_met_here_links_nothing_and_exits_3(tmp_path):
    for requirement in ("rich>=999", "surely-not-installed-anywhere>=1"):
        venv = tmp_path / requirement.split(">")[0]
        proc = run(fake_wheel(tmp_path, requirement), venv)
        assert proc.returncode == 3, proc.stderr
        assert "pip installs them instead" in proc.stderr
        assert not site_of(venv).exists() or not any(site_of(venv).iterdir())
