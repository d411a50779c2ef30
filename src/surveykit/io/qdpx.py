"""REFI-QDA project archives (.qdpx): reading them safely, writing them deterministically.

A .qdpx is a zip holding ``project.qde`` (the project XML) and the text sources under
``sources/``. Archives come from other people's machines, so reading is defensive: nothing is ever
unpacked to disk (member names are only looked up, never used as paths, so ``../`` names cannot
escape anywhere), and sizes are capped (members, bytes per member and in total, and the
compression ratio) so that a zip bomb stops with a clear error instead of filling memory.

Writing gives byte-identical archives for the same content: members in a fixed order, a fixed
timestamp (1980-01-01), fixed permissions, deflate compression.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Mapping

from surveykit.errors import InputError

MAX_MEMBERS = 20_000
MAX_XML_BYTES = 50_000_000
MAX_SOURCE_BYTES = 20_000_000
MAX_TOTAL_BYTES = 200_000_000
MAX_RATIO = 200  # uncompressed / compressed, for members larger than 1 MB
PROJECT_NAME = "project.qde"
SOURCES_DIR = "sources/"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class QdpxArchive:
    """What a .qdpx holds: the project XML and the text sources (member name below ``sources/`` ->
    bytes; only ``.txt`` members, the plain text the codings' positions refer to)."""

    path: str
    project: bytes
    sources: dict[str, bytes] = field(default_factory=dict)


def read_qdpx(path: str | Path, *, sources: bool = True) -> QdpxArchive:
    """Read a .qdpx archive in memory (see module doc); InputError naming the file otherwise. Only a
    regular file is opened (a named pipe or a device is refused before it is read)."""
    from surveykit.io.files import open_input

    p = Path(path)
    with open_input(p, what="a .qdpx file") as fh:
        return read_qdpx_file(fh, p, sources=sources)


def read_qdpx_file(fh: BinaryIO, path: str | Path, *, sources: bool = True) -> QdpxArchive:
    """``read_qdpx`` of a file already opened (a seekable binary file object; ``path`` names it)."""
    p = Path(path)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise InputError("not a REFI-QDA project: the file is not a zip archive", path=p) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or type(exc).__name__})", path=p) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"the archive has {len(infos)} members (more than {MAX_MEMBERS})", path=p)
        projects = [i for i in infos if i.filename.lower().endswith(".qde") and "/" not in i.filename.strip("/")]
        if not projects:
            raise InputError("not a REFI-QDA project: the archive has no project.qde", path=p)
        budget = [MAX_TOTAL_BYTES]
        project = _read_member(zf, projects[0], MAX_XML_BYTES, budget, path=p)
        texts: dict[str, bytes] = {}
        if sources:
            for info in infos:
                name = info.filename
                if (name.startswith(SOURCES_DIR) and name.lower().endswith(".txt") and not info.is_dir()
                        and len(texts) < MAX_MEMBERS):
                    texts[name[len(SOURCES_DIR):]] = _read_member(zf, info, MAX_SOURCE_BYTES, budget, path=p)
    return QdpxArchive(path=str(p), project=project, sources=texts)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, budget: list[int], *, path: Path) -> bytes:
    name = info.filename[:80]
    if info.flag_bits & 0x1:
        raise InputError(f"{name} in the archive is encrypted", path=path)
    if info.file_size > cap:
        raise InputError(f"{name} in the archive is larger than {cap} bytes", path=path)
    if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise InputError(f"{name} in the archive is compressed more than {MAX_RATIO}:1 (a zip bomb?)", path=path)
    # The sizes in the header can lie: read in chunks and stop at the cap whatever they say.
    limit = min(cap, budget[0])
    out = io.BytesIO()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                if out.tell() > limit:
                    raise InputError(f"{name} in the archive expands beyond {limit} bytes", path=path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{name} in the archive is damaged ({type(exc).__name__})", path=path) from None
    budget[0] -= out.tell()
    return out.getvalue()


def qdpx_archive(make: Callable[[], tuple[Iterable[bytes], Mapping[str, bytes]]]) -> tuple[bytes, int]:
    """A deterministic .qdpx archive: project.qde first, then sources/NAME in name order (fixed times
    and permissions, deflate at level 6). The project XML comes in pieces and is compressed as they
    come, so that it is never held whole: ``make()`` gives the pieces and the sources, and
    ``coding.qdpx_export.ProjectStream`` makes the XML a case and a source at a time and fills its sources
    meanwhile, so the sources are read only once the pieces are exhausted. Returns the archive and the
    size of the project XML.

    The bytes are those ``ZipFile.writestr`` gives for the whole XML: zipfile rewrites the header of a
    member streamed into a seekable file with its sizes, deflate's output does not depend on how its
    input is cut, and zlib's default level is level 6. ``writestr`` gives an XML of about 2 GB or more
    a ZIP64 header, chosen from its size, which is known here only at the end: such a project is made
    again (``make`` is called a second time) and written with that header."""
    found = _archive(make, zip64=False) or _archive(make, zip64=True)
    assert found is not None  # with zip64 the archive is always made
    return found


def _archive(make: Callable[[], tuple[Iterable[bytes], Mapping[str, bytes]]], *, zip64: bool
             ) -> tuple[bytes, int] | None:
    """The archive and the XML's size; None (without ``zip64``) once the XML outgrows a 32-bit member."""
    project, sources = make()
    buf = io.BytesIO()
    size = 0
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open(_member(PROJECT_NAME), mode="w", force_zip64=zip64) as dest:
            pending: list[bytes] = []
            held = 0
            for piece in project:
                pending.append(piece)
                held += len(piece)
                if held >= _BLOCK:
                    dest.write(b"".join(pending))
                    size += held
                    pending, held = [], 0
                    if not zip64 and _needs_zip64(size):
                        break  # closed while still below the 32-bit limit; the archive is dropped
            else:
                dest.write(b"".join(pending))
                size += held
        if not zip64 and _needs_zip64(size):
            return None
        for name in sorted(sources):
            zf.writestr(_member(SOURCES_DIR + name), sources[name], compress_type=zipfile.ZIP_DEFLATED,
                        compresslevel=6)
    return buf.getvalue(), size


def _needs_zip64(size: int) -> bool:
    """``ZipFile.writestr``'s rule for a member of ``size`` bytes (compressed data may be larger)."""
    return size * 1.05 > zipfile.ZIP64_LIMIT


_BLOCK = 1 << 20  # the project XML is compressed a megabyte at a time


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix
    info.external_attr = 0o644 << 16
    return info


def beyond_read_limits(project_size: int, sources: Mapping[str, bytes]) -> str | None:
    """Why ``read_qdpx`` would refuse an archive of a project XML of ``project_size`` bytes and these
    sources (its caps against zip bombs), or None when it would read it."""
    total = project_size + sum(len(data) for data in sources.values())
    if 1 + len(sources) > MAX_MEMBERS:
        return f"{len(sources)} sources (it reads at most {MAX_MEMBERS - 1})"
    if project_size > MAX_XML_BYTES:
        return f"a project file of {project_size:,} bytes (it reads at most {MAX_XML_BYTES:,})"
    if any(len(data) > MAX_SOURCE_BYTES for data in sources.values()):
        return f"a source larger than {MAX_SOURCE_BYTES:,} bytes"
    if total > MAX_TOTAL_BYTES:
        return f"{total:,} bytes in all (it reads at most {MAX_TOTAL_BYTES:,})"
    return None


def load_xml_schema(path: str | Path):
    """An XML Schema file (e.g. REFI's Project.xsd) as an ``lxml.etree.XMLSchema``; no network."""
    from lxml import etree

    p = Path(path)
    if not p.is_file():
        raise InputError("schema file not found", path=p)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.XMLSchema(etree.parse(str(p), parser))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise InputError(f"not a usable XML schema ({type(exc).__name__})", path=p) from None
