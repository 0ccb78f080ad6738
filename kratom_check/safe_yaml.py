"""Read YAML or JSON that may be hostile, keeping the line of every value for error messages.

PyYAML's own loaders silently merge duplicate keys, expand alias bombs and recurse without
limit, and they forget where a value came from once it is built. This builds plain Python data
from the parser's event stream instead: one pass, no recursion, bounded size, depth and
alias expansion, safe tags only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .errors import KratomCheckError, shown, visible
from .i18n import _

if TYPE_CHECKING:
    pass

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50
MAX_VALUES = 100_000

PathKey = str | int
DataPath = tuple[PathKey, ...]

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
}


class Document:
    """Parsed data plus the 1-based line each value starts on."""

    __slots__ = ("data", "lines", "name")

    def __init__(self, name: str, data: Any, lines: dict[DataPath, int] | None = None) -> None:
        self.name = name
        self.data = data
        self.lines = lines or {}

    def line_of(self, path: DataPath) -> int | None:
        """The line of the value at path, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: DataPath) -> str:
        line = self.line_of(path)
        return f"{self.name}:{line}" if line is not None else self.name


def dotted(path: DataPath) -> str:
    """A data path as authors write it: questions[5].choices[2].points."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def display_name(path: str) -> str:
    """The file's name as messages show it: control characters in it made visible."""
    return _("standard input") if path == "-" else visible(path)


def read_text(path: str, error: type[KratomCheckError]) -> str:
    """Read a file (or '-' for standard input) as UTF-8, refusing anything too big or binary."""
    name = display_name(path)
    try:
        if path == "-":
            raw = _read_limited(sys.stdin.buffer)
        else:
            file_path = Path(path)
            if file_path.is_dir():
                raise error(_("{name}: this is a folder. Give the path of a file.").format(name=name))
            with file_path.open("rb") as stream:
                raw = _read_limited(stream)
    except FileNotFoundError:
        raise error(_("{name}: no such file. Check the path and try again.").format(name=name)) from None
    except PermissionError:
        raise error(_("{name}: permission denied. Check that you can read this file.").format(name=name)) from None
    except OSError as exc:
        raise error(
            _("{name}: cannot read this file ({reason}).").format(name=name, reason=exc.strerror or exc)
        ) from None
    if raw is None:
        raise error(
            _(
                "{name}: the file is larger than {limit} MiB, the most kratom-check reads. "
                "Check that this is the right file."
            ).format(name=name, limit=MAX_BYTES // 1024 // 1024)
        )
    encoding = encoding_of(raw)
    if encoding == "utf-8-sig" and b"\0" in raw:
        raise error(
            _(
                "{name}: this looks like a binary file. Give a YAML or JSON text file, "
                "in UTF-8 (or UTF-16 or UTF-32 starting with a byte order mark)."
            ).format(name=name)
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(
            _(
                "{name}: the file is not UTF-8 text (bad byte at position {position}). Save it as UTF-8 and try again."
            ).format(name=name, position=exc.start)
        ) from None
    return text


# Byte order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def encoding_of(start: bytes) -> str:
    """UTF-16 or UTF-32 when the bytes start with its byte order mark (what Windows PowerShell 5 writes
    with `>`), else UTF-8 (its own mark allowed)."""
    return next((encoding for bom, encoding in _BOMS if start.startswith(bom)), "utf-8-sig")


def _read_limited(stream: BinaryIO) -> bytes | None:
    raw = stream.read(MAX_BYTES + 1)
    return None if len(raw) > MAX_BYTES else raw


def load_document(path: str, error: type[KratomCheckError]) -> Document:
    return parse(read_text(path, error), display_name(path), error)


def parse(text: str, name: str, error: type[KratomCheckError]) -> Document:
    """Parse YAML (or JSON, which YAML reads too) into a Document; raise `error` if unusable."""
    if not text.strip():
        raise error(_("{name}: the file is empty.").format(name=name))
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        document = _parse_json(text, name, error)
        if document is not None:
            return document
    return _Builder(name, error).build(text)


def _parse_json(text: str, name: str, error: type[KratomCheckError]) -> Document | None:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                message = _("{name}: the key '{key}' appears twice. Keep only one.")
                raise error(message.format(name=name, key=shown(key)))
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except RecursionError:
        raise _too_deep(name, error) from None
    except ValueError:
        return None  # not JSON after all: flow-style YAML, or a YAML error to report
    if _depth(data) > MAX_DEPTH:
        raise _too_deep(name, error)
    return Document(name, data)


def _depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return deepest


def _too_deep(name: str, error: type[KratomCheckError]) -> KratomCheckError:
    return error(_("{name}: the data is nested more than {depth} levels deep.").format(name=name, depth=MAX_DEPTH))


class _Open:
    """A mapping or sequence being filled, with what it needs to place its next item."""

    __slots__ = ("anchor", "has_key", "path", "pending_key", "start_count", "value")

    def __init__(self, value: dict[Any, Any] | list[Any], path: DataPath, anchor: str | None, start_count: int) -> None:
        self.value = value
        self.path = path
        self.anchor = anchor
        self.start_count = start_count
        self.pending_key: Any = None
        self.has_key = False


class _Builder:
    def __init__(self, name: str, error: type[KratomCheckError]) -> None:
        import yaml  # only YAML input pays for importing PyYAML

        self.yaml = yaml
        self.name = name
        self.error = error
        self.lines: dict[DataPath, int] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.count = 0
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, line: int, message: str) -> KratomCheckError:
        return self.error(f"{self.name}:{line}: {message}")

    def events(self, text: str) -> Iterator[Any]:
        yaml = self.yaml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # PyYAML's C parser when present
        try:
            yield from yaml.parse(text, Loader=loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            problem = exc.problem or exc.context or "not valid YAML"
            source_lines = text.splitlines()
            has_tab = line <= len(source_lines) and "\t" in source_lines[line - 1]
            hint = " " + _("Use spaces, not tabs, to indent.") if has_tab else ""
            raise self.fail(line, _("not valid YAML: {problem}.").format(problem=problem) + hint) from None
        except yaml.YAMLError as exc:
            raise self.error(_("{name}: not valid YAML ({problem}).").format(name=self.name, problem=exc)) from None

    def build(self, text: str) -> Document:
        yaml = self.yaml
        stack: list[_Open] = []
        documents = 0
        result: Any = None
        for event in self.events(text):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(line, _("the file holds more than one YAML document (---). Keep one."))
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.value, self.count - done.start_count + 1)
                value = done.value
                if not stack:
                    result = value
                continue
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise self.fail(
                        line,
                        _("the alias *{anchor} refers to an unknown or unfinished anchor.").format(
                            anchor=shown(event.anchor)
                        ),
                    )
                value, size = self.anchors[event.anchor]
                self.count += size
                if self.count > MAX_VALUES:
                    raise self.fail(
                        line,
                        _("the file expands to more than {count} values (too many aliases).").format(count=MAX_VALUES),
                    )
                if stack and self._wants_key(stack[-1]):
                    raise self.fail(line, _("an alias cannot be used as a key."))
                result = self._place(stack, value, line)
                continue
            if isinstance(event, yaml.ScalarEvent):
                scalar = self._scalar(event, line)
                if stack and self._wants_key(stack[-1]):
                    self._take_key(stack[-1], scalar, line)
                    continue
                self._count(line)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (scalar, 1)
                result = self._place(stack, scalar, line)
                continue
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self._check_tag(event.tag, line)
                if stack and self._wants_key(stack[-1]):
                    raise self.fail(line, _("a key must be a plain value, not a list or mapping."))
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(
                        line, _("the data is nested more than {depth} levels deep.").format(depth=MAX_DEPTH)
                    )
                self._count(line)
                container: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
                path = self._child_path(stack)
                self._place(stack, container, line)
                self.lines.setdefault(path, line)
                stack.append(_Open(container, path, event.anchor, self.count))
        if documents == 0:
            raise self.error(_("{name}: the file is empty.").format(name=self.name))
        return Document(self.name, result, self.lines)

    def _count(self, line: int) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(line, _("the file holds more than {count} values.").format(count=MAX_VALUES))

    @staticmethod
    def _wants_key(top: _Open) -> bool:
        return isinstance(top.value, dict) and not top.has_key

    def _take_key(self, top: _Open, key: Any, line: int) -> None:
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise self.fail(line, _("a key must be a plain value."))
        assert isinstance(top.value, dict)
        if key in top.value:
            raise self.fail(
                line, _("the key '{key}' appears twice in the same mapping. Keep only one.").format(key=shown(key))
            )
        top.pending_key = key
        top.has_key = True
        self.lines[(*top.path, _path_key(key))] = line

    @staticmethod
    def _child_path(stack: list[_Open]) -> DataPath:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        return (*top.path, _path_key(top.pending_key))

    def _place(self, stack: list[_Open], value: Any, line: int) -> Any:
        if not stack:
            self.lines.setdefault((), line)
            return value
        top = stack[-1]
        if isinstance(top.value, list):
            self.lines.setdefault((*top.path, len(top.value)), line)
            top.value.append(value)
        else:
            top.value[top.pending_key] = value
            top.has_key = False
        return None

    def _check_tag(self, tag: str | None, line: int) -> None:
        if tag is not None and tag not in _SAFE_TAGS:
            message = _("the YAML tag '{tag}' is not allowed. Use plain values only.")
            raise self.fail(line, message.format(tag=shown(tag)))

    def _scalar(self, event: Any, line: int) -> Any:
        yaml = self.yaml
        self._check_tag(event.tag, line)
        if event.tag in (None, "!"):
            plain = bool(event.implicit[0]) and event.tag is None
            if not plain:
                return event.value
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
        else:
            tag = event.tag
        if tag not in _SAFE_TAGS:
            return event.value  # timestamps, merge keys and the like stay text
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):
            raise self.fail(
                line, _("'{value}' is not a valid {kind}.").format(value=event.value, kind=tag.rsplit(":", 1)[-1])
            ) from None


def _path_key(key: Any) -> PathKey:
    return key if isinstance(key, str | int) and not isinstance(key, bool) else str(key)
