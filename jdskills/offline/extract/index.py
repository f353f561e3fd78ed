"""The alias index behind the gazetteer, built once from plain tables.

Every distinct normalised alias becomes one :class:`AliasTarget` with a matching policy
(:mod:`policy`). When several skills share an alias without a collision record, the one
whose canonical name it is wins, then hard/tool skills, then table order. Aliases of one or
two characters are matched case-sensitively in the catalog's case form; an all-lower-case
catalog form is matched only in capitals ("it" -> "IT"). Aliases matched exactly also get
spelling variants as extra keys (:func:`spelling_variants`).
"""

from __future__ import annotations

import operator
import re
from array import array
from dataclasses import dataclass, field
from typing import NamedTuple, SupportsIndex

import ahocorasick
import pandas as pd

from jdskills.normalize import normalize_alias
from jdskills.offline.extract.policy import (
    PREFERRED_EXPANSIONS,
    GenericPolicy,
    Policy,
    alias_policy,
)

SkillKey = int | str

_TYPE_RANK = {"canonical": 0, "abbreviation": 1, "synonym": 2, "spelling": 3, "version": 4}
_NATURE_RANK = {"tool": 0, "hard": 0, "knowledge": 1, "language": 1, "certification": 2}
SHORT_MAX = 2
SQUASH_MIN = 5
_SHORT_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]?")
_SQUASH = re.compile(r"[\s.\-/_]+")  # as in normalize.squash_alias
_CAMEL_SPLIT = re.compile(r"(?<=[a-z])(?=[A-Z])")
_INNER_SEP = re.compile(r"(?<=\w)[.\-/](?=\w)")
TOKEN_END_DOT = re.compile(r"\.(?=[ \x00]|\Z)")  # "node.js." ends after "node.js"


class CatalogTableError(ValueError):
    """An alias, skill or collision table lacks a required column."""


# named tuples, not dataclasses: the catalog snapshot cache holds ~160k of them, and
# unpickling a frozen dataclass costs four times as much (0.75 s a load, on the critical
# path of every run)
class SkillInfo(NamedTuple):
    key: SkillKey
    name: str
    nature: str | None


class Sense(NamedTuple):
    skill: int
    context_terms: frozenset[str]
    is_default: bool


class AliasTarget(NamedTuple):
    normalized: str
    skill: int
    alias_type: str
    policy: Policy
    senses: tuple[Sense, ...] = ()
    context_terms: frozenset[str] = frozenset()


class AliasAutomaton:
    """The automaton keys (``alias_key`` of each match form), each with its alias target and
    match form, in one Aho-Corasick trie that stores key numbers.

    The trie stores plain integers (``STORE_INTS``) and the targets and forms sit in two
    flat sequences: for the default catalog's 167k keys this takes 135 MB and unpickles
    (the snapshot cache) in 0.19 s, against 151 MB and 0.32 s with a Python
    ``(target, form)`` tuple stored per key.
    """

    __slots__ = ("trie", "forms", "targets")

    def __init__(self) -> None:
        self.trie = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.forms: list[str] = []
        self.targets = array("l")

    def add(self, form: str, target: int) -> None:
        """Add the key of ``form`` (call :meth:`build` after the last one)."""
        self.trie.add_word(alias_key(form), len(self.forms))
        self.forms.append(form)
        self.targets.append(target)

    def build(self) -> None:
        self.trie.make_automaton()

    def __len__(self) -> int:
        return len(self.forms)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is one of the keys."""
        return isinstance(key, str) and key in self.trie


@dataclass(slots=True)
class GazetteerIndex:
    skills: list[SkillInfo]
    targets: list[AliasTarget]
    automaton: AliasAutomaton
    short_forms: dict[str, int] = field(default_factory=dict)


def _key_column(frame: pd.DataFrame, candidates: tuple[str, ...], table: str) -> str:
    for col in candidates:
        if col in frame.columns:
            return col
    raise CatalogTableError(f"{table}: needs one of the columns {', '.join(candidates)}")


def _as_key(value: object) -> SkillKey:
    if isinstance(value, int | str):
        return value
    if isinstance(value, SupportsIndex):
        return operator.index(value)  # numpy integers
    raise CatalogTableError(f"skill key {value!r} is neither int nor str")


def _column(frame: pd.DataFrame, name: str, default: object = "") -> list:
    """A column as a plain list (fast to iterate), or ``default`` repeated."""
    if name in frame.columns:
        return frame[name].tolist()
    return [default] * len(frame)


def _read_skills(skills: pd.DataFrame) -> tuple[list[SkillInfo], dict[SkillKey, int]]:
    key_col = _key_column(skills, ("id", "slug", "skill_id", "skill_slug"), "skills")
    natures = _column(skills, "nature", None)
    out: list[SkillInfo] = []
    pos: dict[SkillKey, int] = {}
    for key, name, nature in zip(_column(skills, key_col), _column(skills, "name"), natures,
                                 strict=True):
        k = _as_key(key)
        if k in pos:
            continue
        pos[k] = len(out)
        nature_text = nature if isinstance(nature, str) and nature else None
        out.append(SkillInfo(key=k, name=str(name), nature=nature_text))
    return out, pos


def _read_collisions(
    collisions: pd.DataFrame | None, pos: dict[SkillKey, int]
) -> dict[str, tuple[list[Sense], set[str]]]:
    """normalized -> (senses, notes)."""
    out: dict[str, tuple[list[Sense], set[str]]] = {}
    if collisions is None or collisions.empty:
        return out
    key_col = _key_column(collisions, ("skill_key", "skill_id", "skill_slug"), "collisions")
    for norm, key, terms, default, note in zip(
        _column(collisions, "normalized"), _column(collisions, key_col),
        _column(collisions, "context_terms"), _column(collisions, "is_default", False),
        _column(collisions, "note"), strict=True,
    ):
        skill = pos.get(_as_key(key))
        if skill is None:
            continue
        term_set = frozenset(
            t.strip().lower() for t in str(terms or "").split("|") if t.strip()
        )
        is_default = str(default).strip().lower() in ("true", "1", "t", "yes")
        senses, note_set = out.setdefault(normalize_alias(str(norm)), ([], set()))
        senses.append(Sense(skill=skill, context_terms=term_set, is_default=is_default))
        note_set.add(str(note or ""))
    return out


def match_form(norm: str) -> str:
    """The form searched for: "/" and "-" read as spaces ("ci/cd" = "ci cd",
    "amazon-web-services" = "amazon web services")."""
    return norm.replace("/", " ").replace("-", " ")


def alias_key(form: str) -> str:
    """The automaton key of a match form: " form " with each "." that ends a token read as
    a space, as in the searched copy (``matching.haystack``). A match is then a whole run
    of tokens of the text by construction."""
    return f" {TOKEN_END_DOT.sub(' ', form)} "


def _add_key(automaton: AliasAutomaton, added: set[str], norm: str, t_idx: int) -> None:
    """The first alias of a key keeps it."""
    form = match_form(norm) if ("/" in norm or "-" in norm) else norm
    if form not in added:
        added.add(form)
        automaton.add(form, t_idx)


def spelling_variants(norm: str, forms: list[str]) -> set[str]:
    """Other ways a JD writes the alias: camel-case parts split ("PyTorch" -> "py torch",
    which also covers "py-torch") and inner separators dropped ("node.js" -> "nodejs")."""
    out: set[str] = set()
    for form in forms:
        parts = _CAMEL_SPLIT.split(form.strip())
        if len(parts) > 1 and " " not in form:
            out.add(" ".join(parts).lower())
    if _INNER_SEP.search(norm):
        out.add(_INNER_SEP.sub("", norm))
    out.discard(norm)
    return {v for v in out if v and v.strip() == v}


def _alias_frame(aliases: pd.DataFrame, skills: list[SkillInfo],
                 pos: dict[SkillKey, int]) -> pd.DataFrame:
    """One row per usable alias, best first: canonical before synonyms, hard/tool skills
    before others, then table order."""
    key_col = _key_column(aliases, ("skill_id", "skill_slug", "skill_key"), "aliases")
    surface = aliases["alias"].astype(str).str.strip()
    norm = (aliases["normalized"].astype(str) if "normalized" in aliases.columns
            else surface.map(normalize_alias))
    frame = pd.DataFrame({
        "skill": aliases[key_col].map(pos).fillna(-1).astype("int64"),
        "alias": surface,
        "norm": norm,
        "atype": _column(aliases, "alias_type", "synonym"),
        "strat": _column(aliases, "match_strategy", "exact"),
    })
    frame = frame[(frame["skill"] >= 0) & (frame["norm"] != "")]
    nature_rank = [_NATURE_RANK.get(s.nature or "", 3) for s in skills]
    frame = frame.assign(
        trank=frame["atype"].map(_TYPE_RANK).fillna(5),
        nrank=[nature_rank[i] for i in frame["skill"].tolist()],
        order=range(len(frame)),
    )
    return frame.sort_values(["trank", "nrank", "order"], kind="stable")


def _forms(frame: pd.DataFrame, mask: pd.Series) -> dict[str, list[str]]:
    """norm -> every surface form given for it, for the rows in ``mask``."""
    sub = frame[mask]
    out: dict[str, list[str]] = {}
    for norm, alias in zip(sub["norm"].tolist(), sub["alias"].tolist(), strict=True):
        out.setdefault(norm, []).append(alias)
    return out


def build_index(
    aliases: pd.DataFrame,
    skills: pd.DataFrame,
    collisions: pd.DataFrame | None = None,
    *,
    generic_policy: GenericPolicy = "canonical",
) -> GazetteerIndex:
    """Turn alias/skill/collision tables into the matching structures."""
    skill_list, pos = _read_skills(skills)
    colls = _read_collisions(collisions, pos)
    frame = _alias_frame(aliases, skill_list, pos)
    camel_forms = _forms(frame, frame["alias"].str.contains(r"[a-z][A-Z]", regex=True)
                         & ~frame["alias"].str.contains(" ", regex=False))
    single_forms = _forms(frame, ~frame["norm"].str.contains(" ", regex=False))
    best = frame.drop_duplicates("norm")
    skill_of = dict(zip(best["norm"].tolist(), best["skill"].tolist(), strict=True))
    preferred = {
        abbr: skill_of[exp]
        for abbr, expansions in PREFERRED_EXPANSIONS.items()
        for exp in reversed(expansions)
        if exp in skill_of
    }
    known = set(best["norm"].tolist())
    added: set[str] = set()

    automaton = AliasAutomaton()
    index = GazetteerIndex(skills=skill_list, targets=[], automaton=automaton)
    rows = zip(best["norm"].tolist(), best["skill"].tolist(), best["atype"].tolist(),
               best["strat"].tolist(), strict=True)
    for norm, skill, atype, strat in rows:
        senses, notes = colls.get(norm, ([], set()))
        forms = single_forms.get(norm, [])
        policy = alias_policy(norm, atype, strat, common="common_word" in notes, forms=forms,
                              generic=generic_policy)
        if policy is None:
            continue
        if norm in preferred:
            skill, senses = preferred[norm], []
        multi: tuple[Sense, ...] = ()
        terms: frozenset[str] = frozenset()
        if senses:
            multi = tuple(senses) if len({s.skill for s in senses}) > 1 else ()
            terms = frozenset().union(*(s.context_terms for s in senses))
            skill = skill if multi else senses[0].skill
        t_idx = len(index.targets)
        index.targets.append(AliasTarget(norm, skill, atype, policy, multi, terms))
        for form in forms if len(norm) <= SHORT_MAX else ():
            if _SHORT_FORM.fullmatch(form):
                index.short_forms.setdefault(form if form != form.lower() else form.upper(),
                                             t_idx)
        _add_key(automaton, added, norm, t_idx)
        if policy != "exact":
            continue
        camel = camel_forms.get(norm)
        sep = ("." in norm or "-" in norm or "/" in norm) and _INNER_SEP.search(norm)
        if (sep or camel) and len(_SQUASH.sub("", norm)) >= SQUASH_MIN:
            for variant in spelling_variants(norm, camel or []):
                if variant not in known:
                    _add_key(automaton, added, variant, t_idx)
    automaton.build()
    return index
