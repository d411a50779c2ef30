"""Reading the project's YAML files (instrument, codebooks, mappings) with one clear error each.

The loader is PyYAML's safe loader, narrowed further because these files may come from anyone:

* explicit tags (``!!python/object``, ``!!binary``, ``!custom``) are refused: none of our files needs one;
* aliases (``*name``) are limited in number, and the document's size once every alias is expanded is
  bounded, so a "billion laughs" file of a few hundred bytes fails at once instead of exhausting memory;
* nesting deeper than Python's recursion limit, undecodable bytes and oversized files are refused;
* the path must be a regular file (a named pipe would block the read for ever).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surveykit.errors import SurveykitError

MAX_YAML_BYTES = 20 * 1024 ** 2
MAX_ALIASES = 50
MAX_EXPANDED_NODES = 1_000_000


class _Refused(Exception):
    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.mark = mark


def _where(mark: Any) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}: "


def _loader_class():
    import yaml
    from yaml.events import AliasEvent

    class GuardedLoader(yaml.SafeLoader):
        """SafeLoader without tags and with a budget for aliases."""

        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.alias_count = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, AliasEvent):
                self.alias_count += 1
                if self.alias_count > MAX_ALIASES:
                    raise _Refused(f"more than {MAX_ALIASES} aliases (*name); surveykit refuses files that "
                                   "expand like this", event.start_mark)
            else:
                tag = getattr(event, "tag", None)
                if tag not in (None, "!"):
                    raise _Refused(f"the tag {tag[:40]!r} is not allowed (surveykit's YAML files use no tags)",
                                   event.start_mark)
            return super().compose_node(parent, index)

    return GuardedLoader


def _expanded_size(root: Any) -> int:
    """Nodes in the document with every alias expanded, counted on the shared graph (memoised)."""
    import yaml

    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            sizes[key] = 1
            continue
        if done:
            total = 1 + sum(sizes.get(id(c), 0) for c in children)
            sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes.get(id(root), 0)


#: Nesting depth above which the fast path leaves a document to the pure-Python loader (libyaml's
#: composer recurses in C, where Python's recursion limit does not apply).
_FAST_MAX_DEPTH = 200
_NOT_FAST = object()


def _parse_fast(text: str) -> Any:
    """The document parsed by libyaml (PyYAML's C parser, about 10x faster), or ``_NOT_FAST``.

    Only a document that the guarded loader would accept takes this path: no tag, at most
    ``MAX_ALIASES`` aliases, bounded nesting, no character PyYAML's reader refuses, one document,
    and any error at all. Everything else (every refusal, every error) is left to the guarded
    pure-Python loader, so what a user is told is the same. Composed nodes carry the same resolved
    tags and the constructor is the same ``SafeConstructor``, so the values are the same."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False) or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return _NOT_FAST
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    try:
        aliases = depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    return _NOT_FAST
            elif isinstance(event, NodeEvent):
                if getattr(event, "tag", None) not in (None, "!"):
                    return _NOT_FAST
                if isinstance(event, CollectionStartEvent):
                    depth += 1
                    if depth > _FAST_MAX_DEPTH:
                        return _NOT_FAST
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        loader = yaml.CSafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _expanded_size(node) > MAX_EXPANDED_NODES:
                return _NOT_FAST
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except Exception:
        return _NOT_FAST


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text with the guarded loader; raises ``_Refused`` or a ``yaml.YAMLError``."""
    fast = _parse_fast(text)
    if fast is not _NOT_FAST:
        return fast
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise _Refused(f"the document expands to more than {MAX_EXPANDED_NODES:,} values through its "
                           "aliases (*name); surveykit refuses files that expand like this")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: str | Path, *, error: type[SurveykitError], what: str) -> Any:
    """The parsed document of a YAML file; ``error`` (naming ``what`` and the file) when unreadable."""
    import yaml

    from surveykit.io.base import byte_position
    from surveykit.io.files import read_input

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise error(f"{what} file not found", path=p)
    data = read_input(p, what=f"a {what} YAML file", error=error, max_bytes=MAX_YAML_BYTES)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"the {what} file is not UTF-8 text ({byte_position(data, exc.start + bom)} is not UTF-8); "
                    "save it as UTF-8", path=p) from None
    try:
        return parse_yaml_text(text)
    except _Refused as exc:
        raise error(f"the {what} file was refused ({_where(exc.mark)}{exc.problem})", path=p) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or type(exc).__name__
        raise error(f"the {what} file is not valid YAML ({_where(mark)}{problem})", path=p) from None
    except yaml.YAMLError as exc:
        raise error(f"the {what} file is not valid YAML ({type(exc).__name__})", path=p) from None
    except RecursionError:
        raise error(f"the {what} file is nested too deeply to be read", path=p) from None
