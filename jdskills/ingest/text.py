"""Text hygiene for ingested JDs: byte decoding, binary sniffing, HTML to text, cleaning and
the content hash that becomes ``jd_id``."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

_BINARY_MAGIC: dict[bytes, str] = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip",
    b"\x89PNG": "png",
    b"GIF8": "gif",
    b"\xff\xd8\xff": "jpeg",
    b"\x7fELF": "elf",
    b"\xd0\xcf\x11\xe0": "ole2 (doc/xls)",
}
# bytes that never occur in text: C0 controls except \t \n \v \f \r and ESC
_NON_TEXT_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])
BINARY_CONTROL_RATIO = 0.02

_BLOCK_TAGS = (
    "p|br|div|span|li|ul|ol|h[1-6]|b|strong|i|em|u|table|tr|td|th|tbody|thead|a|html|body"
    "|head|section|article|header|footer|font|hr|dl|dt|dd|blockquote|pre|code|sup|sub"
)
_HTML_TAG = re.compile(rf"<\s*/?\s*(?:{_BLOCK_TAGS})\b[^<>]*>|<!doctype html", re.IGNORECASE)
_ESCAPED_TAG = re.compile(rf"&(?:amp;)*lt;\s*/?\s*(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)

# Unicode "Cc" controls except tab and newline (CR is turned into \n before this applies)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRAILING_SPACE = " \t\u00a0"  # stripped from the end of each line
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_WHITESPACE = re.compile(r"\s+")


def binary_kind(head: bytes) -> str | None:
    """The kind of binary content ``head`` (a file's first bytes) looks like, else None."""
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return kind
    if not head:
        return None
    controls = sum(head.count(b) for b in _NON_TEXT_BYTES)
    return "binary" if controls / len(head) > BINARY_CONTROL_RATIO else None


def decode_bytes(data: bytes) -> tuple[str, bool]:
    """Decode as UTF-8; on failure fall back to cp1252 with replacement characters.

    Returns the text and whether the fallback was used.
    """
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), True


def looks_like_html(text: str) -> bool:
    return _HTML_TAG.search(text) is not None


def looks_escaped_html(text: str) -> bool:
    return _ESCAPED_TAG.search(text) is not None and not looks_like_html(text)


def unescape_html_markup(text: str, *, max_rounds: int = 3) -> str:
    """Undo (possibly repeated) entity-escaping of markup: ``&amp;lt;p&amp;gt;`` -> ``<p>``."""
    for _ in range(max_rounds):
        if not looks_escaped_html(text):
            break
        text = _unescape(text)
    return text


# "&" only as one of the five entities of escaped markup: then plain replaces (amp last)
# do what html.unescape does, several times faster (it calls back into Python per entity)
_OTHER_ENTITY = re.compile(r"&(?!(?:lt|gt|quot|#39|amp);)")
_BASIC_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"),
                   ("&amp;", "&"))


def _unescape(text: str) -> str:
    if _OTHER_ENTITY.search(text):
        return html.unescape(text)
    for entity, char in _BASIC_ENTITIES:
        text = text.replace(entity, char)
    return text


def html_title(markup: str) -> str | None:
    m = _HTML_TITLE.search(markup)
    title = clean_text(html.unescape(m.group(1))) if m else ""
    return _WHITESPACE.sub(" ", title) or None


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document or fragment (block structure kept as line breaks,
    list items as ``• item``; scripts, styles, forms and link targets dropped), by
    resiliparse's Lexbor-based extractor: several times faster than pure-Python ones."""
    tree = HTMLTree.parse(unescape_html_markup(markup))
    text = extract_plain_text(tree, preserve_formatting=True, main_content=False,
                              list_bullets=True, alt_texts=False, links=False,
                              form_fields=False, noscript=False)
    text = clean_text(text)
    if "\n" in text:  # per line, not by regex: twice as fast on long pages
        text = "\n".join([line.rstrip(_TRAILING_SPACE) for line in text.split("\n")])
        if "\n\n\n" in text:
            text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_text(text: str) -> str:
    """Normalise line ends (CRLF/CR -> LF), drop NULs and control characters except \\n and
    \\t, strip surrounding whitespace. Line breaks and inner spacing are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text).strip()


def to_jd_text(value: str) -> str:
    """Clean text from a record field: HTML (raw or entity-escaped) becomes text, plain
    text is only cleaned."""
    if looks_like_html(value) or looks_escaped_html(value):
        return html_to_text(value)
    return clean_text(value)


def normalise_for_hash(text: str) -> str:
    """NFKC, case-folded, every whitespace run collapsed to one space, stripped (``split``
    and ``\\s`` agree on what whitespace is; ``split`` is twice as fast)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """``jd_id``: sha256 hex of the normalised text, stable across case and whitespace edits."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()
