"""The offline skill extractor: catalog aliases -> skills of one JD (stage 2).

``Gazetteer.build`` is called once per pipeline run with the catalog tables; ``extract`` is
then called per JD with its text and parsed sections. The steps of ``extract``:

1. find alias candidates on the normalised text (:mod:`matching`), drop those in boilerplate
   sections, keep the longest non-overlapping ones;
2. decide ambiguous mentions (:mod:`context_rules`) and pick a sense for aliases that name
   several skills (collision context terms in a window, else in the whole JD, else the
   default sense, else none);
3. discover technology names that are not in the catalog (:mod:`discovery`);
4. group mentions per skill: count, first mention, evidence, primary (:mod:`primary`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from jdskills.normalize import normalize_alias
from jdskills.offline.extract.context_rules import (
    RULES,
    MentionContext,
    generic_ok,
    homonym_ok,
)
from jdskills.offline.extract.discovery import discover_terms, organisation_spans
from jdskills.offline.extract.index import (
    AliasTarget,
    GazetteerIndex,
    GenericPolicy,
    SkillKey,
    alias_key,
    build_index,
    match_form,
)
from jdskills.offline.extract.lists import list_neighbour
from jdskills.offline.extract.matching import Candidate, find_candidates, select_longest
from jdskills.offline.extract.primary import (
    BoilerplateFilter,
    SectionIndex,
    Sentences,
    decide_primary,
    has_nice_cue,
)
from jdskills.offline.extract.textnorm import normalise_text
from jdskills.records import ExtractedSkill, Section

NAME_MAX = 80


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    skill: int | None  # index into the gazetteer's skills; None for a discovered term
    name: str


class Gazetteer:
    """Catalog-driven skill extraction; build once, call :meth:`extract` per JD."""

    def __init__(self, index: GazetteerIndex, *, discover: bool = True) -> None:
        self.index = index
        self.discover = discover

    @classmethod
    def build(
        cls,
        aliases: pd.DataFrame,
        skills: pd.DataFrame,
        collisions: pd.DataFrame | None = None,
        *,
        generic_policy: GenericPolicy = "canonical",
        discover: bool = True,
    ) -> Gazetteer:
        """Build from alias, skill and (optional) collision tables; see :mod:`index`."""
        return cls(
            build_index(aliases, skills, collisions, generic_policy=generic_policy),
            discover=discover,
        )

    @property
    def alias_count(self) -> int:
        return len(self.index.targets)

    def extract(
        self,
        text: str,
        sections: Sequence[Section] = (),
        *,
        company: str | None = None,
        stop_terms: Iterable[str] = (),
    ) -> list[ExtractedSkill]:
        """Skills of one JD. ``company`` and ``stop_terms`` (e.g. locations) are never
        reported as discovered skills."""
        if not text.strip():
            return []
        where = SectionIndex(text, sections)
        sentences = Sentences(text)
        skip = BoilerplateFilter(where, sentences)
        orgs = organisation_spans(text, company)
        mentions = self._catalog_mentions(text, skip, orgs)
        if self.discover:
            stops = {t.lower() for t in stop_terms if t}
            if company:
                stops.add(company.lower())
            taken = [(m.start, m.end) for m in mentions]
            for start, end in discover_terms(text, where, taken, stops, skip, orgs):
                if not self._is_alias(text[start:end]):  # a catalog alias rejected in context
                    mentions.append(Mention(start, end, None, text[start:end]))
        return self._aggregate(text, where, sentences, mentions)

    # -- catalog mentions -------------------------------------------------------------

    def _catalog_mentions(
        self, text: str, skip: BoilerplateFilter, orgs: list[tuple[int, int]]
    ) -> list[Mention]:
        """Catalog mentions outside boilerplate and organisation names ("Para AI Labs")."""
        index = self.index
        nt = normalise_text(text)
        in_org = bytearray(len(text) + 1)
        for s, e in orgs:
            in_org[s:e] = b"\x01" * (e - s)
        candidates = [
            c for c in find_candidates(index, nt)
            if not skip(c.start) and not (in_org[c.start] and in_org[c.end - 1])
        ]
        chosen = select_longest(candidates, len(text))
        sure = [c for c in chosen if self._is_sure(index.targets[c.target], c)]
        unsure = [c for c in chosen if not self._is_sure(index.targets[c.target], c)]
        accepted = list(sure)
        if unsure:
            doc_lower = text.lower()
            for _ in range(2):  # a second pass lets "Python, Go, Rust" chain through Go
                starts = {c.start for c in accepted}
                ends = {c.end for c in accepted}
                still: list[Candidate] = []
                for cand in unsure:
                    in_list = list_neighbour(text, cand.start, cand.end, starts, ends)
                    ctx = MentionContext(text, cand.start, cand.end, in_list, doc_lower)
                    if self._decide(index.targets[cand.target], ctx):
                        accepted.append(cand)
                    else:
                        still.append(cand)
                if len(still) == len(unsure):
                    break
                unsure = still
        doc_lower = text.lower()
        out: list[Mention] = []
        for cand in sorted(accepted, key=lambda c: c.start):
            skill = self._sense(index.targets[cand.target], cand, doc_lower)
            if skill is not None:
                out.append(Mention(cand.start, cand.end, skill, index.skills[skill].name))
        return out

    def _is_alias(self, term: str) -> bool:
        return alias_key(match_form(normalize_alias(term))) in self.index.automaton

    @staticmethod
    def _is_sure(target: AliasTarget, cand: Candidate) -> bool:
        return target.policy == "exact" and cand.end - cand.start > 1

    @staticmethod
    def _decide(target: AliasTarget, ctx: MentionContext) -> bool:
        if target.policy == "generic":
            return generic_ok(ctx) or (
                bool(target.context_terms) and ctx.window_has(target.context_terms, 200)
            )
        if target.policy == "acronym":
            return ctx.surface.isupper() or ctx.in_list
        if ctx.end - ctx.start == 1 and target.policy != "rule":
            return ctx.in_list  # a one-letter alias without a rule of its own
        if target.policy == "rule" and not (ctx.standalone and ctx.surface[:1].isupper()):
            verdict = RULES[target.normalized](ctx)
            return homonym_ok(ctx) if verdict is None else verdict
        if homonym_ok(ctx):
            return True
        return bool(target.context_terms) and ctx.window_has(target.context_terms, 200)

    @staticmethod
    def _sense(target: AliasTarget, cand: Candidate, doc_lower: str) -> int | None:
        if not target.senses:
            return target.skill
        window = doc_lower[max(0, cand.start - 300) : cand.end + 300]
        best, best_score = None, 0
        for sense in target.senses:
            score = sum(2 for t in sense.context_terms if t in window) + sum(
                1 for t in sense.context_terms if t in doc_lower
            )
            if score > best_score:
                best, best_score = sense.skill, score
        if best is not None:
            return best
        return next((s.skill for s in target.senses if s.is_default), None)

    # -- grouping ----------------------------------------------------------------------

    def _aggregate(
        self, text: str, where: SectionIndex, sentences: Sentences, mentions: list[Mention]
    ) -> list[ExtractedSkill]:
        groups: dict[tuple[int, str], list[Mention]] = {}
        for m in sorted(mentions, key=lambda m: m.start):
            key = (m.skill, "") if m.skill is not None else (-1, m.name.casefold())
            groups.setdefault(key, []).append(m)
        out: list[ExtractedSkill] = []
        for group in groups.values():
            first = group[0]
            kinds = [where.kind_at(m.start) for m in group]

            def cued(i: int, group: list[Mention] = group) -> bool:
                return has_nice_cue(sentences.sentence(group[i].start, group[i].end))

            skill_key: SkillKey | None = (
                self.index.skills[first.skill].key if first.skill is not None else None
            )
            out.append(
                ExtractedSkill(
                    name=_clip_name(first.name),
                    is_primary=decide_primary(kinds, cued, first.start, len(text)),
                    evidence=sentences.evidence(first.start, first.end),
                    start=first.start,
                    end=first.end,
                    skill_id=skill_key if isinstance(skill_key, int) else None,
                    skill_slug=skill_key if isinstance(skill_key, str) else None,
                    count=len(group),
                )
            )
        return out


def _clip_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) <= NAME_MAX:
        return name
    cut = name.rfind(" ", 0, NAME_MAX)
    return name[: cut if cut > 0 else NAME_MAX]
