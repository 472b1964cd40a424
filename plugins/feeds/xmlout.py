"""Writing XML through a real serializer, with text XML 1.0 can carry.

Every string passes ``xml_text`` (lone surrogates and forbidden characters dropped) and then
the standard library's ``XMLGenerator``, which escapes ``&``, ``<``, ``>`` and quotes. So a
comment holding ``]]>``, markup or a control character can never make a feed malformed.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

# XML 1.0's Char production, less the C1 controls and noncharacters validators warn about.
_NOT_XML = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff]"
)


def xml_text(value: object) -> str:
    """``value`` as text an XML 1.0 document may hold."""
    text = str(value)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # Rejoin surrogate pairs that arrived split; lone halves are dropped.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _NOT_XML.sub("", text)


class _Generator(XMLGenerator):
    def plain_characters(self, content: str) -> None:
        """Text with ``&`` and ``<`` as hexadecimal references, as the RSS Profile asks.

        Readers that take RSS text as HTML and readers that take it as text then agree; the
        references are written through the generator's own raw-output path.
        """
        escaped = content.replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&#x3E;")
        self.ignorableWhitespace(escaped)


class XmlWriter:
    """A UTF-8 XML document built element by element."""

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self._gen = _Generator(self._out, encoding="utf-8", short_empty_elements=True)
        self._gen.startDocument()

    def open(self, name: str, attrs: dict[str, object] | None = None) -> None:
        """Start element ``name``; its children follow until ``close``."""
        self._gen.startElement(name, _attrs(attrs))
        self._gen.ignorableWhitespace("\n")

    def close(self, name: str) -> None:
        """End element ``name``."""
        self._gen.endElement(name)
        self._gen.ignorableWhitespace("\n")

    def leaf(self, name: str, text: object = "", attrs: dict[str, object] | None = None) -> None:
        """A whole element holding only text (escaped, never CDATA)."""
        self._gen.startElement(name, _attrs(attrs))
        if text != "":
            self._gen.characters(xml_text(text))
        self._gen.endElement(name)
        self._gen.ignorableWhitespace("\n")

    def text_leaf(self, name: str, text: object) -> None:
        """A whole element holding plain text (not HTML), in RSS Profile escaping."""
        self._gen.startElement(name, _attrs(None))
        self._gen.plain_characters(xml_text(text))
        self._gen.endElement(name)
        self._gen.ignorableWhitespace("\n")

    def getvalue(self) -> bytes:
        """The finished document."""
        self._gen.endDocument()
        return self._out.getvalue()


def _attrs(attrs: dict[str, object] | None) -> AttributesImpl[str]:
    return AttributesImpl({name: xml_text(value) for name, value in (attrs or {}).items()})
