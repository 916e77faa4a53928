"""What a version changes on the match centre's page, as keyed HTML operations (pure, no I/O).

The centre is one markup: templates/games/_centre.html. Its parts that change ball by ball carry
a key (``data-k="bat-1-p7"``: a card row, the score line, a commentary line, a chart segment).
After a commit the page is rendered once for everyone, and ``page_ops`` compares the new
rendering with the previous version's, key by key, so a fan's browser is sent only the parts
that changed — in the shape of Hotwire's Turbo Streams:

- ``["r", html]``        replace the element keyed as ``html``'s own key (its outer HTML);
- ``["a", key, tag]``    give the keyed element the attributes of the start tag ``tag`` (its
  content, rows aside, is unchanged);
- ``["i", key, html, after]`` insert a new keyed element into the parent ``key`` after its
  child keyed ``after`` (``null``: before its first keyed child, or last if it has none);
- ``["d", key]``         remove the keyed element.

A keyed element whose own markup (its content, with keyed children stood in for by their keys)
is unchanged is never sent: only its changed children are. Applying the operations in order to
the previous rendering gives the new one (tests/realtime/test_page.py checks that on real
matches, ball by ball).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

KEY = "data-k"
# Elements that never have content or an end tag in HTML.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


@dataclass
class Node:
    key: str
    start: int  # offsets in the rendering: the element's start tag ...
    inner: int  # ... its content ...
    end: int = -1  # ... and the end of its end tag
    parent: str | None = None
    children: list[str] = field(default_factory=list)


class _Keyed(HTMLParser):
    """Finds each keyed element's extent and its keyed children in one pass."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.nodes: dict[str, Node] = {}
        self.stack: list[tuple[str, Node | None]] = []  # open elements, keyed ones with a node
        self._line_starts = [0]
        for i, char in enumerate(html):
            if char == "\n":
                self._line_starts.append(i + 1)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _keyed_parent(self) -> Node | None:
        for _tag, node in reversed(self.stack):
            if node is not None:
                return node
        return None

    def _node(self, attrs: list) -> Node | None:
        values = dict(attrs)
        key = values.get(KEY)
        if key is None:
            return None
        if key in self.nodes:
            raise ValueError(f"The key {key!r} is used twice on the page.")
        start = self._offset()
        parent = self._keyed_parent()
        node = Node(key, start, start + len(self.get_starttag_text()),
                    parent=None if parent is None else parent.key)
        if parent is not None:
            parent.children.append(key)
        self.nodes[key] = node
        return node

    def handle_starttag(self, tag, attrs):
        node = self._node(attrs)
        if tag in _VOID:
            if node is not None:
                node.end = node.inner
            return
        self.stack.append((tag, node))

    def handle_startendtag(self, tag, attrs):  # <circle .../> in SVG
        node = self._node(attrs)
        if node is not None:
            node.end = node.inner

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        # Close up to the matching open element (markup that leaves a <p> or <li> open).
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                end = self.html.index(">", self._offset()) + 1
                for _tag, node in self.stack[depth:]:
                    if node is not None:
                        node.end = end
                del self.stack[depth:]
                return


@dataclass
class Page:
    html: str
    nodes: dict[str, Node]

    def outer(self, key: str) -> str:
        node = self.nodes[key]
        return self.html[node.start:node.end]

    def shape(self, key: str) -> str:
        """The element's content with each keyed child stood in for by its key."""
        segments = self.segments(key)
        return segments[0] + "".join(f"\0{child}\0{segment}" for child, segment in zip(
            self.nodes[key].children, segments[1:], strict=True))

    def segments(self, key: str) -> list[str]:
        """The content around and between the keyed children: [before the first, between each
        two, ..., after the last] (the whole content when there are none)."""
        node = self.nodes[key]
        parts, at = [], node.inner
        for child in map(self.nodes.__getitem__, node.children):
            parts.append(self.html[at:child.start])
            at = child.end
        parts.append(self.html[at:self._content_end(node)])
        return parts

    def _content_end(self, node: Node) -> int:
        if node.end == node.inner:  # void or self-closed
            return node.inner
        return self.html.rindex("<", node.inner, node.end)


def parse(html: str) -> Page:
    parser = _Keyed(html)
    parser.feed(html)
    parser.close()
    unclosed = [node.key for node in parser.nodes.values() if node.end < 0]
    if unclosed:
        raise ValueError(f"Keyed elements never closed: {unclosed}")
    return Page(html, parser.nodes)


def page_ops(before: Page, after: Page, root: str) -> list[list]:
    """The operations that turn ``before``'s element ``root`` into ``after``'s."""
    ops: list[list] = []
    _diff(before, after, root, ops)
    return ops


def _diff(before: Page, after: Page, key: str, ops: list) -> None:
    if before.outer(key) == after.outer(key):
        return
    old, new = before.nodes[key], after.nodes[key]
    same_tag = before.html[old.start:old.inner] == after.html[new.start:new.inner]
    shape_kept = new.children and before.shape(key) == after.shape(key)
    if shape_kept or ((old.children or new.children) and _rows_only(before, after, key)):
        if not same_tag:  # a container's own attributes: not its rows again
            ops.append(["a", key, after.html[new.start:new.inner]])
        if shape_kept:
            for child in new.children:
                _diff(before, after, child, ops)
            return
        # Only the keyed children changed: rows added, removed or changed.
        kept = set(new.children)
        for child in old.children:
            if child not in kept:
                ops.append(["d", child])
        existing = set(old.children)
        previous = None
        for child in new.children:
            if child in existing:
                _diff(before, after, child, ops)
            else:
                ops.append(["i", key, after.outer(child), previous])
            previous = child
        return
    ops.append(["r", after.outer(key)])


def _rows_only(before: Page, after: Page, key: str) -> bool:
    """Whether the element's keyed children stand together as rows (nothing but white space
    between them), with the same content before and after them, in the same order where both
    have them: then rows can be added, removed and changed one by one. An insert goes after the
    row before it, or before the first row there is (else at the end: nothing may follow)."""
    old, new = before.segments(key), after.segments(key)
    old_nodes, new_nodes = before.nodes[key], after.nodes[key]
    if any(s.strip() for s in old[1:-1] + new[1:-1]):
        return False
    if not old_nodes.children or not new_nodes.children:
        # No rows on one side: the content is one segment; it must be what surrounds the rows
        # on the other, with nothing after them (an insert into no rows goes at the end).
        lone = old[0] if not old_nodes.children else new[0]
        other = new if not old_nodes.children else old
        return lone.strip() == other[0].strip() and not other[-1].strip()
    return (old[0].strip() == new[0].strip() and old[-1].strip() == new[-1].strip()
            and _kept_in_order(old_nodes.children, new_nodes.children))


def _kept_in_order(old: list[str], new: list[str]) -> bool:
    """Whether the children in both lists stand in the same order in each."""
    common = set(old) & set(new)
    return [k for k in old if k in common] == [k for k in new if k in common]


def apply_ops(html: str, ops: list[list]) -> str:
    """The operations applied to a rendering, as static/js/scoreboard.js applies them to the
    page (the reference the tests and the benchmarks check against). The result equals the new
    rendering but for white space between keyed rows (``same_page``).

    One message's operations never overlap (a changed part is either sent whole or entered),
    so each is an edit of the rendering before them: made at once, from the end backwards."""
    nodes = parse(html).nodes
    edits: list[tuple[int, int, int, str]] = []  # (start, end, order, text)
    placed: dict[str, int] = {}  # where each inserted part went
    for order, op in enumerate(ops):
        kind, key = op[0], key_of(op[1]) if op[0] == "r" else op[1]
        node = nodes[key]
        if kind == "r":
            edits.append((node.start, node.end, order, op[1]))
        elif kind == "d":
            edits.append((node.start, node.end, order, ""))
        elif kind == "a":
            edits.append((node.start, node.inner, order, op[2]))
        elif kind == "i":
            after = op[3]
            if after is None:
                at = nodes[node.children[0]].start if node.children else (
                    Page(html, nodes)._content_end(node))
            else:
                at = placed[after] if after in placed else nodes[after].end
            placed[key_of(op[2])] = at
            edits.append((at, at, order, op[2]))
        else:
            raise ValueError(f"Unknown page operation {kind!r}")
    # From the end backwards; at one place, what replaces a part before what goes before it.
    for start, end, _order, text in sorted(edits, key=lambda e: (-e[0], e[1] == e[0], -e[2])):
        html = html[:start] + text + html[end:]
    return html


def same_page(a: str, b: str) -> bool:
    """Equal renderings, white space between elements aside (what a browser does not show
    between rows, sections and table parts)."""
    return _BETWEEN_TAGS.sub("><", a) == _BETWEEN_TAGS.sub("><", b)


_BETWEEN_TAGS = re.compile(r">\s+<")


def key_of(html: str) -> str:
    """The key of the element ``html`` starts with."""
    return _FIRST_KEY.match(html).group(1)


_FIRST_KEY = re.compile(r'<[^>]*?\bdata-k="([^"]+)"')
