"""Candidate mentions of catalog aliases in one text, and the longest-match selection.

One Aho-Corasick pass over the normalised copy of the text finds, in original-text offsets:

* aliases, kept only on token boundaries;
* one- and two-character aliases ("R", "C#", "Go", "AI"), kept only when the original text
  has them in the catalog's case form;
* spelling variants: "-" and "/" read as spaces on both sides ("amazon-web-services",
  "CI/CD" = "ci cd"), plus variants added at build time ("Py Torch" / "py-torch" for
  "PyTorch", "nodejs" for "node.js"; see :func:`index.spelling_variants`).

:func:`select_longest` keeps the longest candidates and drops every candidate that overlaps
an accepted longer one ("machine learning operations" wins over "machine learning").
"""

from __future__ import annotations

from typing import NamedTuple

from jdskills.offline.extract.index import (
    SHORT_MAX,
    TOKEN_END_DOT,
    GazetteerIndex,
    match_form,
)
from jdskills.offline.extract.textnorm import (
    LEFT_BOUNDARY,
    SEP,
    NormalisedText,
)


class Candidate(NamedTuple):
    start: int  # original text offsets
    end: int
    target: int


def haystack(norm: str) -> str:
    """The copy the automaton searches: "/", "-" and SEP read as spaces, a "." that ends a
    token (before a space, SEP or the end) as a space, and a space at both ends. With keys
    " form " (``index.alias_key``) only whole-token runs come out of the automaton: about
    24 a JD on NHS postings, not the 186 prefix matches of keys without the last space."""
    return " " + TOKEN_END_DOT.sub(" ", norm).replace("/", " ").replace(SEP, " ").replace(
        "-", " ") + " "


def automaton_candidates(index: GazetteerIndex, nt: NormalisedText) -> list[Candidate]:
    """All alias (and spelling-variant) matches on token boundaries; one- and two-character
    aliases only in the catalog's case form."""
    norm, text = nt.norm, nt.text
    short_forms = index.short_forms
    automaton = index.automaton
    forms, targets = automaton.forms, automaton.targets
    out: list[Candidate] = []
    offsets = nt.offsets
    for h_end, key in automaton.trie.iter(haystack(norm)):
        # h_end is the key's last space: haystack index h_end is norm index h_end - 1, the
        # character after the form (the haystack has one leading space)
        form = forms[key]
        n_end = h_end - 1
        n_start = n_end - len(form)
        # "-" reads as a space in the haystack but does not start a token
        if n_start > 0 and norm[n_start - 1] not in LEFT_BOUNDARY:
            continue
        found = norm[n_start:n_end]
        if found != form and match_form(found) != form:
            continue  # the copy hides SEP: the real text must hold the alias itself
        start, end = offsets[n_start], offsets[n_end - 1] + 1
        t_idx = targets[key]
        if len(form) <= SHORT_MAX:
            short_target = short_forms.get(text[start:end])
            if short_target is None:
                continue
            t_idx = short_target
        out.append(Candidate(start, end, t_idx))
    return out


def find_candidates(index: GazetteerIndex, nt: NormalisedText) -> list[Candidate]:
    return automaton_candidates(index, nt)


def select_longest(candidates: list[Candidate], text_len: int) -> list[Candidate]:
    """Longest first; a candidate overlapping an accepted one is dropped."""
    occupied = bytearray(text_len + 1)
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if 1 in occupied[cand.start : cand.end]:
            continue
        occupied[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
        kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept
