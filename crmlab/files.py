"""Reading a user's own text files: encodings checked, YAML parsed within limits.

Two rules hold for every text file crmlab reads on a user's behalf (value-chain specifications and
other YAML, notes, templates):

* **Encoding.** A file is read as UTF-8; a UTF-8 byte-order mark (what Windows Notepad and Excel
  write) is dropped, and a file that starts with a UTF-16 byte-order mark is read as UTF-16. Any other
  file that is not valid UTF-8 is refused with the line of the first bad byte and, when the bytes read
  as GBK/GB18030 (the default of Chinese Windows) or Windows-1252, a preview of the text in that
  encoding; pass ``encoding="gb18030"`` (or ``"gbk"``, ``"cp1252"``) to read it so, or save the file
  as UTF-8. Encodings are never guessed silently: the same bytes can be valid text in two encodings
  with different meanings. Binary files (an Excel workbook, a zip) and files larger than
  ``max_bytes`` are refused before decoding. Line ends ``\\r\\n`` and ``\\r`` become ``\\n``.
* **YAML.** :func:`parse_yaml` reads with PyYAML's safe loader (no Python objects) and bounds the
  work: nesting deeper than ``max_depth``, more than ``max_aliases`` aliases, or aliases that expand
  the document beyond ``max_nodes`` values (the "billion laughs" bomb) are refused before any value
  is built, so a hostile 4 KB file fails in milliseconds instead of exhausting memory. Duplicate
  mapping keys are refused (PyYAML keeps the last one silently). Forms that YAML 1.1 reads as a
  number the writer rarely means are kept as text, so that the validator of the field can say how
  to write the number: a leading zero (``010`` is octal 8 in YAML 1.1) and base-60 values
  (``1:30`` is 90). Everything else is YAML 1.1 as PyYAML reads it: ``2e6`` (no dot, no exponent
  sign) is text, ``yes``/``no``/``on``/``off`` are booleans. :func:`describe_value` helps validators
  say what went wrong with a value and how to write it.

References: YAML 1.1 type repository (https://yaml.org/type/), the "billion laughs" entity expansion
attack (CVE-2003-1564 for XML; the same shape in YAML via anchors and aliases).
"""

from __future__ import annotations

import codecs
import math
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from crmlab.errors import CrmlabWarning, DataFileError, ParameterError, SpecificationError

#: Default size limit of :func:`read_text` (bytes).
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: Default size limit of :func:`load_yaml` (bytes): a specification, not a data set.
MAX_YAML_BYTES = 1024 * 1024
#: Default nesting limit of YAML documents (mappings and sequences inside each other).
MAX_YAML_DEPTH = 50
#: Default number of aliases (``*name``) a YAML document may use.
MAX_YAML_ALIASES = 100
#: Default number of values a YAML document may hold once its aliases are expanded.
MAX_YAML_NODES = 100_000

_BOMS = (  # byte-order mark, codec that drops it, family of codecs it is compatible with
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook or a Word document is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PAR1", "a Parquet file"),
)
_SAVE_AS_UTF8 = ("save the file as UTF-8 (Notepad: File > Save as > Encoding: UTF-8; VS Code: "
                 "'Save with Encoding' > UTF-8)")


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES,
              encoding: str | None = None, what: str | None = None) -> str:
    """The text of a user's file, decoded by the rules in the module docstring.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    max_bytes : int, default 16 MiB
        Files larger than this are refused before they are read.
    encoding : str, optional
        ``None`` (default): UTF-8 with or without a byte-order mark, or UTF-16 with one; anything
        else is refused with a diagnosis. A codec name (``"gb18030"``, ``"gbk"``, ``"cp1252"``, ...)
        decodes strictly with that codec; if the file is nevertheless valid UTF-8 with non-ASCII
        characters, a :class:`~crmlab.errors.CrmlabWarning` says so (the name is probably wrong).
    what : str, optional
        How messages name the file, e.g. ``"value chain shop.yaml"`` (default: the file name).

    Returns
    -------
    str
        The text, with ``\\n`` line ends and no byte-order mark.

    Raises
    ------
    DataFileError
        No such file, a folder, too large, binary, or not decodable.
    ParameterError
        ``max_bytes`` is not a positive integer or ``encoding`` is not a known codec.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "note.txt"
    ...     _ = p.write_bytes("\\ufeff客户价值\\r\\n".encode("utf-8"))
    ...     text = read_text(p)
    >>> text
    '客户价值\\n'
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ParameterError(f"max_bytes={max_bytes!r} must be a positive whole number of bytes")
    codec = None
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except (LookupError, TypeError):
            raise ParameterError(f"encoding={encoding!r} is not a known text encoding; use e.g. "
                                 "'utf-8', 'gb18030', 'gbk' or 'cp1252'") from None
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"no such file: {str(path)!r}; check the path (relative paths start at {Path.cwd()})")
    if path.is_dir():
        raise DataFileError(f"{str(path)!r} is a folder, not a file; give the path of the file in it")
    label = what or path.name
    size = path.stat().st_size
    if size > max_bytes:
        raise DataFileError(f"{label} has {size:,} bytes, more than the limit of {max_bytes:,}; "
                            f"check that it is the right file, or pass max_bytes= a larger limit")
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew since stat, or a device that reports size 0
        raise DataFileError(f"{label} has more than {max_bytes:,} bytes; pass max_bytes= a larger limit")
    return _normalise_newlines(_decode(data, codec, label))


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, codec: str | None, label: str) -> str:
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise DataFileError(f"{label} is {kind}, not a text file; export it as text "
                                "(for a table: CSV UTF-8) and read that file")
    for bom, bom_codec, family in _BOMS:
        if data.startswith(bom):
            if codec is not None and not codec.startswith(family):
                raise DataFileError(f"{label} starts with a {family.upper()} byte-order mark, so it is not "
                                    f"{codec} text; read it without encoding=")
            if codec is None or codec == "utf-8":
                codec = bom_codec
            break
    wide = codec is not None and codec.startswith(("utf-16", "utf-32"))
    if b"\x00" in data and not wide:
        raise DataFileError(f"{label} contains NUL bytes: it is a binary file or UTF-16 text without a "
                            f"byte-order mark; {_SAVE_AS_UTF8}")
    if codec is not None and codec != "utf-8":
        text = _strict(data, codec, label)
        if not codec.startswith("utf") and _is_non_ascii_utf8(data):
            warnings.warn(f"{label} was read as {codec} as asked, but it is also valid UTF-8 with "
                          "non-ASCII characters, which is what it most likely is; check the text, or read it "
                          "without encoding=", CrmlabWarning, stacklevel=3)
        return text.removeprefix("\ufeff") if codec.startswith("utf") else text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(_diagnose(data, exc, label)) from None


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataFileError(f"{label} is not valid {codec}: byte {data[exc.start:exc.start + 1]!r} at "
                            f"line {line} (byte {exc.start}); check the encoding the file was saved with, "
                            f"or {_SAVE_AS_UTF8} and read it without encoding=") from None


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _diagnose(data: bytes, exc: UnicodeDecodeError, label: str) -> str:
    line_no = data[: exc.start].count(b"\n") + 1
    start = data.rfind(b"\n", 0, exc.start) + 1
    end = data.find(b"\n", exc.start)
    line = data[start: end if end >= 0 else len(data)]
    head = (f"{label} is not UTF-8 text: byte {data[exc.start:exc.start + 1]!r} at line {line_no} "
            f"(byte {exc.start}) is not valid UTF-8.")
    for codec, label in (("gb18030", "GBK/GB18030 (the default of Chinese Windows)"),
                         ("cp1252", "Windows-1252 (Western European Windows)")):
        try:
            whole = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "gb18030" and not _has_cjk(whole):
            continue
        preview = line.decode(codec).strip()[:60]
        return (f"{head} It reads as {label}: line {line_no} would be {preview!r}.\n"
                f"How to fix: if that is the right text, pass encoding={codec!r}; better, {_SAVE_AS_UTF8}")
    return f"{head}\nHow to fix: {_SAVE_AS_UTF8}, or pass encoding= the codec it was saved with"


# ---------------------------------------------------------------------------------------------------
# YAML

_INT = re.compile(r"""^(?:[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0b[0-1_]+
                    |[-+]?0x[0-9a-fA-F_]+)$""", re.X)
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits on nesting and aliases, and no octal or base-60 numbers."""

    def __init__(self, stream: str, *, max_depth: int, max_aliases: int) -> None:
        super().__init__(stream)
        self.max_depth, self.max_aliases = max_depth, max_aliases
        self.depth = self.aliases = 0
        self.duplicates: list[str] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                mark = self.peek_event().start_mark
                raise _LimitError(f"more than {self.max_aliases} aliases (*name); the last one at line {mark.line + 1}",
                                  "write the values out, or pass max_aliases= a larger limit")
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise _LimitError(f"nested more than {self.max_depth} levels deep (at line {mark.line + 1})",
                                  "flatten the structure, or pass max_depth= a larger limit")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *base': merged keys may be overridden
                continue
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # unhashable: PyYAML refuses it below with its position
                continue
            if first is not None:
                self.duplicates.append(f"duplicate key {key!r} at line {line} (first at line {first})")
            else:
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


# Replace YAML 1.1's int and float resolvers by ones without octal (010) and base-60 (1:30) forms.
_BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


class _LimitError(Exception):
    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem, self.fix = problem, fix


def _expanded_size(node: yaml.Node, limit: int) -> int:
    """Number of values in the document with every alias expanded, counted without expanding
    (each distinct node once, memoised), capped at ``limit + 1``; -1 when a node contains itself
    (``&a [*a]``), which has no finite expansion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[yaml.Node] = [node]
    while stack:  # post-order without recursion
        current = stack[-1]
        if id(current) in sizes:
            stack.pop()
            continue
        if isinstance(current, yaml.ScalarNode):
            sizes[id(current)] = 1
            stack.pop()
            continue
        children = ([v for pair in current.value for v in pair] if isinstance(current, yaml.MappingNode)
                    else list(current.value))
        pending = [c for c in children if id(c) not in sizes]
        if pending and id(current) not in open_nodes:
            open_nodes.add(id(current))
            stack.extend(pending)
            continue
        if pending:
            return -1  # back at an open node with unsized children: it contains itself
        sizes[id(current)] = min(1 + sum(sizes[id(c)] for c in children), limit + 1)
        stack.pop()
    return sizes[id(node)]


def _precheck(text: str, *, max_depth: int, max_aliases: int, max_nodes: int) -> None:
    """Nesting, alias and size limits checked on libyaml's event stream (C speed, no recursion), so
    that a deeply nested flow document (``[[[[...``) or a data set of a million values is refused before
    PyYAML's Python scanner works through it. Syntax errors are left to the Python parser, whose
    messages are the ones shown."""
    parser = getattr(yaml, "CSafeLoader", None)
    if parser is None:
        return
    depth = aliases = nodes = 0
    try:
        for event in yaml.parse(text, Loader=parser):
            if isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent)):
                nodes += 1
                if nodes > max_nodes:
                    raise _LimitError(f"it holds more than {max_nodes:,} values",
                                      "check that it is the right file (a specification, not a data set), or "
                                      "pass max_nodes= a larger limit")
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > max_aliases:
                    raise _LimitError(f"more than {max_aliases} aliases (*name); the last one at line "
                                      f"{event.start_mark.line + 1}",
                                      "write the values out, or pass max_aliases= a larger limit")
            if isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent, yaml.AliasEvent)):
                if depth + 1 > max_depth:
                    raise _LimitError(f"nested more than {max_depth} levels deep (at line "
                                      f"{event.start_mark.line + 1})",
                                      "flatten the structure, or pass max_depth= a larger limit")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def parse_yaml(text: str, *, what: str = "the YAML document", max_depth: int = MAX_YAML_DEPTH,
               max_aliases: int = MAX_YAML_ALIASES, max_nodes: int = MAX_YAML_NODES,
               duplicates: list[str] | None = None) -> Any:
    """Parse one YAML document with the safe loader, within limits (see the module docstring).

    Parameters
    ----------
    text : str
        The document (e.g. from :func:`read_text`).
    what : str
        How messages name the document, e.g. ``"value chain shop.yaml"``.
    max_depth, max_aliases, max_nodes : int
        Nesting levels, aliases (``*name``) and values after alias expansion allowed.
    duplicates : list, optional
        Where to append duplicate-key problems (``"duplicate key 'x' at line 5 (first at line 3)"``)
        so that a validator can report them with its own; by default they are raised.

    Returns
    -------
    object
        The document: dict, list, str, int, float, bool, None, date or datetime. An empty document is
        ``None``.

    Raises
    ------
    DataFileError
        Not valid YAML (the message has the line), or more than one document.
    SpecificationError
        A limit is exceeded, or a key is duplicated (when ``duplicates`` is not given).

    Examples
    --------
    >>> parse_yaml("revenue: 2e6\\nmargin: 0.08\\ncode: 010")
    {'revenue': '2e6', 'margin': 0.08, 'code': '010'}
    """
    for name, limit in (("max_depth", max_depth), ("max_aliases", max_aliases), ("max_nodes", max_nodes)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ParameterError(f"{name}={limit!r} must be a whole number >= 0")
    loader = None
    try:
        loader = _BoundedLoader(text, max_depth=max_depth, max_aliases=max_aliases)
        _precheck(text, max_depth=max_depth, max_aliases=max_aliases, max_nodes=max_nodes)
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, max_nodes)
        if size < 0:
            raise _LimitError("an anchor (&name) is used inside itself (*name), which makes an endless value",
                              "refer to an anchor only after its value is complete")
        if size > max_nodes and loader.aliases:
            raise _LimitError(f"its aliases (*name) expand it to more than {max_nodes:,} values "
                              f"({loader.aliases} aliases in the text)",
                              "write the values out instead of nesting aliases, or pass max_nodes= a larger limit")
        if size > max_nodes:
            raise _LimitError(f"it holds more than {max_nodes:,} values",
                              "check that it is the right file (a specification, not a data set), or pass "
                              "max_nodes= a larger limit")
        data = loader.construct_document(node)
    except _LimitError as exc:
        raise SpecificationError(what, [exc.problem], fix=exc.fix) from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{what} is not valid YAML (check the indentation, colons, quotes and brackets at "
                            f"the line shown): {exc}") from None
    except RecursionError:  # only if max_depth was raised beyond what Python's stack allows
        raise SpecificationError(what, ["nested too deeply for the parser"],
                                 fix="flatten the structure, or lower max_depth=") from None
    finally:
        if loader is not None:
            loader.dispose()
    if loader.duplicates:
        if duplicates is None:
            raise SpecificationError(what, loader.duplicates,
                                     fix="keep one entry per key: YAML would keep the last one silently")
        duplicates.extend(loader.duplicates)
    return data


def load_yaml(source: str | os.PathLike[str], *, what: str | None = None, max_bytes: int = MAX_YAML_BYTES,
              max_aliases: int = MAX_YAML_ALIASES, max_depth: int = MAX_YAML_DEPTH,
              max_nodes: int = MAX_YAML_NODES, encoding: str | None = None,
              duplicates: list[str] | None = None) -> Any:
    """Read a user's YAML file: :func:`read_text` then :func:`parse_yaml`, with their limits.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file.
    what : str, optional
        How messages name the file, e.g. ``"value chain shop.yaml"`` (default: the file name).
    max_bytes : int, default 1 MiB
        Size limit of the file.
    max_aliases, max_depth, max_nodes : int
        Limits of :func:`parse_yaml`.
    encoding : str, optional
        As in :func:`read_text`.
    duplicates : list, optional
        As in :func:`parse_yaml`.

    Returns
    -------
    object
        The parsed document.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    >>> rows += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "bomb.yaml"
    ...     _ = p.write_text("\\n".join(rows), encoding="utf-8")
    ...     load_yaml(p)
    Traceback (most recent call last):
    ...
    crmlab.errors.SpecificationError: bomb.yaml: 1 problem(s)
      - its aliases (*name) expand it to more than 100,000 values (80 aliases in the text)
    How to fix: write the values out instead of nesting aliases, or pass max_nodes= a larger limit
    """
    path = Path(source)
    what = what or path.name
    text = read_text(path, max_bytes=max_bytes, encoding=encoding, what=what)
    return parse_yaml(text, what=what, max_depth=max_depth, max_aliases=max_aliases, max_nodes=max_nodes,
                      duplicates=duplicates)


# ---------------------------------------------------------------------------------------------------
# Values of the wrong type

_NUMBER_TEXT_HINTS: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (
    (re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
     lambda s: f"YAML 1.1 reads {s} as text (an exponent needs a dot and a sign there); write {_plain(s)}"),
    (re.compile(r"^[-+]?0[0-9_]+(?:\.[0-9_]*)?$"),
     lambda s: f"a leading zero makes {s} an octal number in YAML 1.1; write {s.lstrip('0+') or '0'} "
               "without the leading zero"),
    (re.compile(r"^[-+]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?$"),
     lambda s: f"YAML 1.1 reads {s} as a base-60 number; write the value as one decimal number"),
    (re.compile(r"^[-+]?\.[0-9]+$"),
     lambda s: f"YAML 1.1 reads {s} as text; write it with a 0 before the dot: {s.replace('.', '0.', 1)}"),
    (re.compile(r"^[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$"),
     lambda s: f"write {s} without thousands separators: {s.replace(',', '')}"),
    (re.compile(r"^[-+]?[0-9.]+\s*%$"),
     lambda s: f"write the percentage {s} as a decimal share: {_percent(s)}"),
)


def _plain(s: str) -> str:
    value = float(s.replace("_", ""))
    if not math.isfinite(value):
        return "a smaller number (this one is beyond the range of floating-point numbers)"
    shown = f"{value:.15g}"
    mantissa, _, exponent = f"{value:.6e}".partition("e")
    sci = f"{float(mantissa):g}".rstrip(".")
    sci = sci if "." in sci else sci + ".0"
    return f"{int(value)} or {sci}e{int(exponent):+d}" if value.is_integer() and abs(value) < 1e16 else \
        f"{shown} or {sci}e{int(exponent):+d}"


def _percent(s: str) -> str:
    try:
        return f"{float(s.rstrip('% ')) / 100:g}"
    except ValueError:
        return "the percentage divided by 100"


def describe_value(value: object, *, expected: str) -> str:
    """Say what ``value`` is and how to write an ``expected`` value instead (for validators' messages).

    ``expected`` is ``"number"`` or ``"text"``. The answer names the YAML reading that produced the
    value when that is the likely cause: ``2e6`` read as text, ``010`` kept as text, ``yes``/``no`` read
    as booleans, a nested mapping or list where one value belongs, a number too large for a float.

    Parameters
    ----------
    value : object
        The value as the YAML (or other) reader produced it.
    expected : {"number", "text"}
        The kind of value the field needs.

    Returns
    -------
    str
        A phrase to follow the field's name in a message: what was read and how to write it instead.

    Examples
    --------
    >>> describe_value("2e6", expected="number")
    "got '2e6', which is text: YAML 1.1 reads 2e6 as text (an exponent needs a dot and a sign there); write 2000000 or 2.0e+6"
    >>> describe_value({"name": "Shop"}, expected="text")
    "got a mapping {'name': 'Shop'}: write one value on the line (put text in quotes if it contains ': ')"
    >>> describe_value(None, expected="number")
    'is empty: write a number after the colon'
    """
    if isinstance(value, dict):
        shown = repr(value) if len(repr(value)) <= 60 else f"with keys {list(value)[:5]!r}"
        return f"got a mapping {shown}: write one value on the line (put text in quotes if it contains ': ')"
    if isinstance(value, list):
        shown = repr(value) if len(repr(value)) <= 60 else f"of {len(value)} items"
        return f"got a list {shown}: write one value, not a list (put text in quotes if it starts with '[' or '- ')"
    if isinstance(value, bool):
        return (f"got {value} (YAML 1.1 reads an unquoted yes/no/on/off/true/false as true/false): "
                + ("write a number" if expected == "number" else "put the text in quotes, e.g. 'no'"))
    if isinstance(value, int) and expected == "number" and abs(value) > 10**300:
        digits = len(str(abs(value)))
        return (f"got a whole number of {digits} digits, too large to compute with: give the amount in a "
                "larger unit (thousands, millions)")
    if isinstance(value, float) and not math.isfinite(value):
        return f"got {value!r}: write a finite number"
    if isinstance(value, str) and expected == "number":
        s = value.strip()
        for pattern, hint in _NUMBER_TEXT_HINTS:
            if pattern.match(s):
                return f"got {value!r}, which is text: {hint(s)}"
        return f"got {value!r}, which is text: write a number without quotes, units or currency signs"
    if value is None:
        return f"is empty: write a {expected} after the colon"
    kind = type(value).__name__
    return f"got {value!r} ({kind}): write a {expected}" + (" in quotes" if expected == "text" else "")
