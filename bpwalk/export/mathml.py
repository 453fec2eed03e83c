"""Presentation MathML as latex2mathml writes it, made smaller without changing what it shows.

latex2mathml spells `\\mathrm{total}` as five upright one-letter identifiers, wraps single
nodes in rows of rows, and writes every non-ASCII character as an entity. The same formula
written as `<mi>total</mi>` (a name of several letters is upright by default), without the
empty rows and with the characters themselves, lays out the same and weighs about half as
much: what keeps the browser player of Mazur's walk-through, in three styles and two
languages, under 300 KB. Screen readers read the merged name as one word, as they should.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'


def _upright_letter(node: ET.Element) -> bool:
    return (node.tag == "mi" and node.attrib == {"mathvariant": "normal"} and len(node) == 0
            and node.text is not None and len(node.text) == 1 and node.text.isalpha())


def _merge_letters(parent: ET.Element) -> None:
    """Runs of upright one-letter identifiers become one identifier: the name they spell."""
    children = list(parent)
    merged: list[ET.Element] = []
    for child in children:
        if merged and _upright_letter(child) and (_upright_letter(merged[-1]) or merged[-1].get("_run") == "1"):
            last = merged[-1]
            last.text = (last.text or "") + (child.text or "")
            last.attrib = {"_run": "1"}
            last.tail = child.tail
            continue
        merged.append(child)
    if len(merged) != len(children):
        for child in children:
            parent.remove(child)
        parent.extend(merged)
    for child in parent:
        if child.get("_run") == "1":
            child.attrib = {}        # several letters: upright without saying so


def _name_with_number(parent: ET.Element) -> None:
    """`o` then `2` in a row of their own (a subscript, `out_{o2}`) is the name `o2`."""
    if parent.tag == "mrow" and len(parent) == 2 and parent[0].tag == "mi" and parent[1].tag == "mn" and not parent[1].attrib:
        name, number = parent[0], parent[1]
        letters = name.text or ""
        upright = not name.attrib and len(letters) > 1 or _upright_letter(name)
        if upright and letters.isalpha() and (number.text or "").isdigit() and not len(name) and not len(number):
            name.text = letters + (number.text or "")
            name.attrib = {}
            name.tail = number.tail
            parent.remove(number)


def _unwrap_rows(parent: ET.Element) -> None:
    """A row holding one node, with no attributes, is that node (MathML's own rule)."""
    for k, child in enumerate(list(parent)):
        while child.tag == "mrow" and not child.attrib and len(child) == 1 and not (child.text or "").strip():
            inner = child[0]
            inner.tail = child.tail
            parent.remove(child)
            parent.insert(k, inner)
            child = inner


def _walk(node: ET.Element) -> None:
    for child in node:           # inside out: a row of letters is one name before its row goes
        _walk(child)
    _merge_letters(node)
    _name_with_number(node)
    _unwrap_rows(node)


@lru_cache(maxsize=8192)
def compact_one(math: str) -> str:
    """One `<math>` element, made smaller (returned as it was if it is not plain XML)."""
    try:
        root = ET.fromstring(math.replace(_XMLNS, ""))
    except ET.ParseError:
        return math
    _walk(root)
    if root.get("display") == "inline":
        del root.attrib["display"]      # MathML's default
    # ElementTree escapes only what XML must; the HTML parser reads MathML's names itself
    return ET.tostring(root, encoding="unicode")


def compact(html: str) -> str:
    """Every `<math>` element of an HTML text, made smaller (`compact_one`)."""
    return _MATH.sub(lambda m: compact_one(m.group(0)), html)
