"""`.ci/link_dependencies.py`, which gives the install check's fresh environment the wheel's declared
dependencies by linking them from this environment: only what is declared (and what that needs) comes
along, and a requirement not met here hands the install back to pip."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "link_dependencies.py"


def fake_wheel(folder: Path, *requires: str, description: str = "") -> Path:
    lines = ["Metadata-Version: 2.1", "Name: fake", "Version: 1.0", *(f"Requires-Dist: {r}" for r in requires)]
    wheel = folder / "fake-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("fake-1.0.dist-info/METADATA", "\n".join(lines) + "\n\n" + description)
    return wheel


def fresh_venv(folder: Path) -> tuple[Path, Path]:
    """A new environment without pip, as the install check makes it: (its folder, its site-packages)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(folder / "bin" / "python"), "-c", ask], capture_output=True, text=True, check=True)
    return folder, Path(site.stdout.strip())


def run(wheel: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(wheel), str(venv)], capture_output=True, text=True)


def distributions_in(site: Path) -> set[str]:
    return {p.name.split("-")[0].lower().replace("_", "-") for p in site.glob("*.dist-info")}


def test_links_exactly_the_declared_requirement_and_what_it_needs(tmp_path):
    # rich needs markdown-it-py (which needs mdurl) and pygments, and nothing else outside its extras
    # (their requirements, as `pip show` lists them: none of jupyter, rtd, testing ... is wanted). pyyaml
    # and pandas are installed here: undeclared, or only in an extra, they must stay out; so must the
    # Requires-Dist line quoted in the description, which is not a header.
    venv, site = fresh_venv(tmp_path / "venv")
    wheel = fake_wheel(tmp_path, "rich>=13", 'pandas>=2; extra == "big"',
                       description="An example of a header:\nRequires-Dist: pyyaml\n")
    proc = run(wheel, venv)
    assert proc.returncode == 0, proc.stderr
    assert distributions_in(site) == {"rich", "markdown-it-py", "mdurl", "pygments"}, sorted(site.iterdir())
    for name in ("rich", "markdown_it"):
        assert (site / name).is_symlink() and (site / name / "__init__.py").is_file()
    # What is linked is importable there, with its metadata, by the environment's own interpreter.
    probe = "import importlib.metadata as m, rich.markdown; print(m.version('markdown-it-py'))"
    out = subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == metadata.version("markdown-it-py"), out.stderr
    assert subprocess.run([str(venv / "bin" / "python"), "-c", "import yaml"], capture_output=True).returncode != 0


def test_a_folder_shared_with_other_distributions_is_linked_file_by_file(tmp_path):
    # typing_extensions is one module beside site-packages' top-level __pycache__, which other
    # distributions here share: that folder is made, and only typing_extensions' file in it is linked.
    if not any(str(f).startswith("__pycache__/") for f in metadata.distribution("typing-extensions").files or []):
        import pytest

        pytest.skip("typing_extensions was installed without its bytecode here")
    venv, site = fresh_venv(tmp_path / "venv")
    proc = run(fake_wheel(tmp_path, "typing-extensions"), venv)
    assert proc.returncode == 0, proc.stderr
    assert (site / "typing_extensions.py").is_symlink()
    cache = site / "__pycache__"
    assert cache.is_dir() and not cache.is_symlink()
    assert [p.name.split(".")[0] for p in cache.iterdir()] == ["typing_extensions"]


def test_a_requirement_not_met_here_links_nothing_and_exits_3(tmp_path):
    for requirement in ("rich>=999", "surely-not-installed-anywhere>=1"):
        venv, site = fresh_venv(tmp_path / requirement.split(">")[0])
        proc = run(fake_wheel(tmp_path, requirement), venv)
        assert proc.returncode == 3, proc.stderr
        assert "pip installs them instead" in proc.stderr
        assert not any(site.iterdir())
