"""Reading the project's YAML files (instrument, codebooks, mappings) with one clear error each.

The loader is PyYAML's safe loader, narrowed further because these files may come from anyone:

* explicit tags (``!!python/object``, ``!!binary``, ``!custom``) are refused: none of our files needs one;
* aliases (``*name``) are limited in number, and what they add once expanded is bounded (in values and
  in characters), so a "billion laughs" file of a few hundred bytes fails at once instead of exhausting
  memory; an alias inside what it names (``&a [*a]``) is refused;
* a file of more than ``MAX_VALUES`` values is refused before it is composed (quickly, and in little memory);
* a key given twice in one mapping is refused (PyYAML would keep the last silently), as are invalid dates
  (``2024-02-30``) and whole numbers of more than ``MAX_INT_CHARS`` digits;
* nesting deeper than Python's recursion limit, undecodable bytes and oversized files are refused;
* the path must be a regular file (a named pipe would block the read for ever).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from surveykit.errors import SurveykitError

MAX_YAML_BYTES = 20 * 1024 ** 2
MAX_ALIASES = 50
#: Values (scalars, lists and mappings, keys included) a file may hold as written. The largest shipped
#: file (a codebook of 94 KB) holds about 5,300; composing a value costs libyaml about 500 bytes and a
#: few microseconds, so 200,000 values load in a second or two and a few hundred MB at most, and a
#: 20 MB list of numbers is refused after a fraction of a second instead of after 80 s and 1.5 GB.
MAX_VALUES = 200_000
#: What aliases (``*name``) may add to the document once expanded: values, and characters of text.
#: A file without aliases is never refused for them.
MAX_EXPANDED_NODES = 1_000_000
MAX_EXPANDED_CHARS = MAX_YAML_BYTES
#: Characters (``_`` aside) of a scalar read as a whole number: at most ~360 digits (0x and 300 hex
#: digits), far from Python's 4,300-digit limit on turning an int into text.
MAX_INT_CHARS = 300


class _Refused(Exception):
    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.mark = mark


def _where(mark: Any) -> str:
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}: "


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value from the file, cut to about ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "\u2026"
    try:
        text = repr(value)
    except ValueError:  # an int too long to be made text
        return type(value).__name__
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _too_many_values() -> _Refused:
    return _Refused(f"it holds more than {MAX_VALUES:,} values (keys, list items and values); surveykit's "
                    "YAML files are far smaller")


@lru_cache(maxsize=None)
def _classes() -> tuple[type, type]:
    """(the guarded pure-Python loader, the libyaml loader or None), sharing one checked constructor."""
    import yaml
    from yaml.constructor import ConstructorError
    from yaml.events import AliasEvent
    from yaml.nodes import ScalarNode

    merge_tag, value_tag = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"

    class CheckedConstructor(yaml.constructor.SafeConstructor):
        """SafeConstructor refusing duplicate keys, invalid dates and over-long whole numbers, with
        every ``ValueError`` of a constructor turned into a ``ConstructorError`` at its value."""

        def __init__(self) -> None:
            yaml.constructor.SafeConstructor.__init__(self)
            self._checked_mappings: set[int] = set()

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError) as exc:
                raise ConstructorError(None, None, f"a value that cannot be read ({type(exc).__name__})",
                                       node.start_mark) from None

        def flatten_mapping(self, node: Any) -> None:
            # Checked here, before merge keys (``<<: *base``) are flattened into the node: a key given
            # beside a merge key replaces the merged one, which is what merge keys are for.
            if id(node) not in self._checked_mappings:
                self._checked_mappings.add(id(node))
                self._refuse_duplicate_keys(node)
            super().flatten_mapping(node)

        def _refuse_duplicate_keys(self, node: Any) -> None:
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == merge_tag:
                    continue  # a list or mapping key is unhashable: PyYAML says so
                key = "=" if key_node.tag == value_tag else self.construct_object(key_node)
                try:  # keyed with its type: 1 and true are two keys (Python's dict merges them, as before)
                    first = seen.setdefault((type(key), key), key_node)
                except TypeError:
                    continue
                if first is not key_node:
                    raise ConstructorError(None, None, f"the key {_short(key)} is given twice (lines "
                                           f"{first.start_mark.line + 1} and {key_node.start_mark.line + 1})",
                                           key_node.start_mark)

        def construct_yaml_int(self, node: Any) -> int:
            value = node.value if isinstance(node.value, str) else ""
            if len(value) - value.count("_") > MAX_INT_CHARS:
                raise ConstructorError(None, None, f"a whole number of more than {MAX_INT_CHARS} digits",
                                       node.start_mark)
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                raise ConstructorError(None, None, f"invalid date {_short(node.value)}",
                                       node.start_mark) from None

    CheckedConstructor.add_constructor("tag:yaml.org,2002:int", CheckedConstructor.construct_yaml_int)
    CheckedConstructor.add_constructor("tag:yaml.org,2002:timestamp", CheckedConstructor.construct_yaml_timestamp)

    class GuardedLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                        CheckedConstructor, yaml.resolver.Resolver):
        """SafeLoader without tags, with a budget for aliases and values, and the checked constructor."""

        def __init__(self, stream: Any) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            CheckedConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.alias_count = 0
            self.value_count = 0

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
                self.value_count += 1
                if self.value_count > MAX_VALUES:
                    raise _too_many_values()
            return super().compose_node(parent, index)

    try:
        from yaml.cyaml import CParser
    except ImportError:
        return GuardedLoader, None

    class FastLoader(CParser, CheckedConstructor, yaml.resolver.Resolver):
        """libyaml's parser and composer with the checked constructor (as CSafeLoader)."""

        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            CheckedConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    return GuardedLoader, FastLoader


def _loader_class():
    return _classes()[0]


def _check_expansion(root: Any) -> None:
    """Refuse a document whose aliases add more than ``MAX_EXPANDED_NODES`` values or
    ``MAX_EXPANDED_CHARS`` characters once expanded, or that holds itself (``&a [*a]``).

    Sizes are counted on the shared graph (memoised), so the count costs one pass over the nodes."""
    import yaml

    cap = 1 << 62
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    plain_values = plain_chars = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finish = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            if key not in sizes:
                n = len(node.value)
                sizes[key] = (1, n)
                plain_values += 1
                plain_chars += n
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value)
        if finish:
            values, chars = 1, 0
            for child in children:
                v, c = sizes[id(child)]
                values += v
                chars += c
            sizes[key] = (min(values, cap), min(chars, cap))
            open_nodes.discard(key)
            plain_values += 1
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _Refused("an alias (*name) refers to the list or mapping that holds it", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    values, chars = sizes[id(root)]
    if values - plain_values > MAX_EXPANDED_NODES:
        raise _Refused(f"the document expands to more than {MAX_EXPANDED_NODES:,} further values through its "
                       "aliases (*name); surveykit refuses files that expand like this")
    if chars - plain_chars > MAX_EXPANDED_CHARS:
        raise _Refused(f"the document expands to more than {MAX_EXPANDED_CHARS:,} further characters through "
                       "its aliases (*name); surveykit refuses files that expand like this")


#: Nesting depth above which the fast path leaves a document to the pure-Python loader (libyaml's
#: composer recurses in C, where Python's recursion limit does not apply).
_FAST_MAX_DEPTH = 200
_NOT_FAST = object()


def _parse_fast(text: str) -> Any:
    """The document parsed by libyaml (PyYAML's C parser, about 10x faster), or ``_NOT_FAST``.

    Only a document that the guarded loader would accept takes this path: no tag, at most
    ``MAX_ALIASES`` aliases, bounded nesting, no character PyYAML's reader refuses, one document,
    and no syntax error. Those refusals and errors are left to the guarded pure-Python loader, so
    what a user is told is the same. A file of more than ``MAX_VALUES`` values is refused here, before
    anything is composed. Composed nodes carry the same resolved tags and the constructor is the same
    checked ``SafeConstructor``, so the values, and the constructor's refusals, are the same."""
    import yaml

    fast_loader = _classes()[1]
    if (fast_loader is None or not getattr(yaml, "__with_libyaml__", False)
            or yaml.reader.Reader.NON_PRINTABLE.search(text)):
        return _NOT_FAST
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    aliases = depth = values = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    return _NOT_FAST
            elif isinstance(event, NodeEvent):
                if getattr(event, "tag", None) not in (None, "!"):
                    return _NOT_FAST
                values += 1
                if values > MAX_VALUES:
                    break
                if isinstance(event, CollectionStartEvent):
                    depth += 1
                    if depth > _FAST_MAX_DEPTH:
                        return _NOT_FAST
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except Exception:
        return _NOT_FAST
    if values > MAX_VALUES:
        raise _too_many_values()
    loader = fast_loader(text)
    try:
        try:
            node = loader.get_single_node()
        except Exception:
            return _NOT_FAST
        if node is None:
            return None
        if aliases:
            _check_expansion(node)
        try:
            return loader.construct_document(node)
        except (yaml.YAMLError, _Refused):
            raise
        except Exception:
            return _NOT_FAST
    finally:
        loader.dispose()


def parse_yaml_text(text: str) -> Any:
    """Parse YAML text with the guarded loader; raises ``_Refused`` or a ``yaml.YAMLError``."""
    import gc

    # Composing and constructing make many small objects and (aliases aside) no cycles: the collector,
    # walking the growing graph again and again, took half the time of a large file. Paused, not
    # turned off: it runs again as it was, whatever is raised.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse(text)
    finally:
        if paused:
            gc.enable()


def _parse(text: str) -> Any:
    fast = _parse_fast(text)
    if fast is not _NOT_FAST:
        return fast
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader.alias_count:
            _check_expansion(node)
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
