"""Reading a settings document written by people (the timescale rules, the retention schedule): YAML parsed
safely, a key written twice refused rather than silently overwritten, and every problem named by the file
and line it is on, so the author can put it right. Plain Python."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml


class DocumentError(ValueError):
    """A document that cannot be used: every problem, each naming the file and the line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def load_document(text: str, source: str, error: type[DocumentError]) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for the lines of its keys) and its data. Raises `error` for YAML that
    cannot be read or a key written twice, naming `source` and the line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        _refuse_duplicate_keys(root, source, error)
        return root, yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source} line {mark.line + 1}" if mark else source
        raise error([f"{where}: not valid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise error([f"{source}: not valid YAML: {exc}"]) from None


def _refuse_duplicate_keys(node: yaml.Node | None, source: str, error: type[DocumentError]) -> None:
    # YAML keeps the last of two equal keys silently; the author meant one of them.
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[object] = set()
            for key, value in current.value:
                if key.value in seen:
                    line = key.start_mark.line + 1
                    raise error([f"{source} line {line}: the key {key.value!r} appears twice"])
                seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def key_lines(node: yaml.Node, loc: tuple[Any, ...]) -> Iterator[int]:
    """The 0-based lines of each key (or list item) of `loc` found in the document, outermost first: the
    last is the line a validation error at `loc` is on."""
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                return
            yield match[0].start_mark.line
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            yield node.start_mark.line
        else:
            return
