"""HTML to text, plain-text cleaning and the content hash."""

from __future__ import annotations

import pytest

from jdskills.ingest import content_hash, html_to_text
from jdskills.ingest.text import binary_kind, clean_text, to_jd_text

HTML = "<div><h2>About the role</h2><p>You will build <b>Kafka</b> pipelines &amp; APIs.</p>" \
       "<ul><li>Python</li><li>SQL</li></ul></div>"


def test_content_hash_ignores_case_and_whitespace_but_not_words():
    base = content_hash("Senior Engineer\nBuild APIs in Python.")
    assert base == content_hash("  senior   ENGINEER \r\n\tbuild apis in python.  ")
    assert base == content_hash("Senior Engineer Build APIs in Python.")
    assert base != content_hash("Senior Engineer\nBuild APIs in Go.")
    assert len(base) == 64 and int(base, 16) >= 0


def test_content_hash_applies_unicode_compatibility_folding():
    assert content_hash("ﬁnance ANALYST") == content_hash("Finance analyst")  # ligature fi


def test_html_becomes_readable_text():
    text = html_to_text(HTML)
    assert "<" not in text and "&amp;" not in text
    assert "You will build Kafka pipelines & APIs." in text
    lines = [line.strip() for line in text.splitlines()]
    assert "About the role" in lines
    assert "• Python" in lines and "• SQL" in lines
    assert "\n\n\n" not in text


@pytest.mark.parametrize("escaped", [
    HTML.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
    HTML.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;"),
], ids=["escaped", "double-escaped"])
def test_escaped_html_is_unescaped_then_converted(escaped):
    assert "&lt;p&gt;" in escaped or "&amp;lt;p&amp;gt;" in escaped
    assert to_jd_text(escaped) == html_to_text(HTML)


def test_real_html_with_an_escaped_code_sample_keeps_the_sample_literal():
    text = to_jd_text("<p>Know when to use &lt;div&gt; vs &lt;span&gt;.</p>")
    assert text == "Know when to use <div> vs <span>."


def test_plain_text_is_kept_as_is_apart_from_line_ends_and_controls():
    raw = "  Role: Welder\r\nShifts:\tnights\rPay <£30k & > £20k\x00\x07\x1b\n\nApply now  "
    assert to_jd_text(raw) == "Role: Welder\nShifts:\tnights\nPay <£30k & > £20k\n\nApply now"
    assert clean_text("a\u0085b\x7fc") == "abc"  # C1 control and DEL removed


def test_binary_sniffing():
    assert binary_kind(b"%PDF-1.7 ...") == "pdf"
    assert binary_kind(b"\x89PNG\r\n\x1a\n....") == "png"
    assert binary_kind(bytes(range(256)) * 4) == "binary"
    assert binary_kind(b"A stray NUL\x00 in a long text. " + b"Plain JD text. " * 20) is None
    assert binary_kind("café naïve – ok".encode("cp1252")) is None
