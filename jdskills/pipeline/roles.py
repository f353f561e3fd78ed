"""Stage 4 decision logic (offline backend): three signals per catalog role, then case A/B/C.

* **skill** — Σ over the JD's in-db skills of the best role↔dimension weight (0..1) through
  which the skill reaches the role, ÷ all JD skills (in-db and new).
* **title** — best similarity of the JD title to the role's aliases (``role_titles``).
* **kra** — cosine of the hashed embedding of the responsibilities text to the role centroid.

Case A: one role leads all three signals and clears the skill or title threshold. Case B: a
weighted vote ``w_skill·S + w_title·T + w_kra·K`` among each signal's top 3 that clear some
threshold, with S = skill / ``role_skill_full``, T = (title − ``role_title_floor``) / (1 −
floor), K = (cosine − the JD's median cosine) / ``role_kra_lift_full``, each clipped to [0,1];
the winner needs ``role_min_combined``. Case C otherwise: no catalog role fits.
Confidence: A/B the winner's vote × (½ + ½·min(1, margin / ``role_margin_full``)); C
1 − best / (best + ``role_min_combined``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from jdskills.embedder import default_embedder
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.responsibilities import KraText, kra_text
from jdskills.pipeline.role_signals import RoleIndex, role_index
from jdskills.pipeline.role_titles import title_key
from jdskills.pipeline.state import Decision, JDState, SignalHit
from jdskills.settings import Settings

VOTE_POOL = 3  # each signal's top-N roles enter the case-B vote
SIGNALS = ("skill", "title", "kra")


def kra_scores(index: RoleIndex, texts: Sequence[str]) -> np.ndarray:
    """Cosine of each text's embedding to each role centroid: shape (len(texts), n_roles)."""
    if not texts or not index.roles:
        return np.zeros((len(texts), len(index.roles)), dtype=np.float32)
    vectors = default_embedder().embed_sparse(list(texts))
    return np.asarray(vectors @ index.centroids.T, dtype=np.float32)


def jd_titles(state: JDState) -> tuple[str | None, list[str]]:
    """The JD's title (parsed role, else the record's) and every title worth scoring."""
    parsed = state.parse.role if state.parse else None
    titles = [t for t in dict.fromkeys([parsed, state.record.title]) if t and t.strip()]
    return (titles[0] if titles else None), titles


@dataclass(frozen=True)
class KraInput:
    """The KRA text of one JD and its cosine to each role (``RoleIndex`` order)."""

    text: KraText
    cosines: np.ndarray


def decide_role(
    state: JDState, snapshot: CatalogSnapshot, settings: Settings, kra: KraInput | None = None
) -> Decision:
    """The role decision for one JD; ``kra`` may come precomputed (the task embeds a batch)."""
    index = role_index(snapshot)
    if kra is None:
        text = kra_text(state)
        kra = KraInput(text, kra_scores(index, [text.text])[0])
    skill_hits = index.skill_scores(state, snapshot.skill_dims)
    primary, titles = jd_titles(state)
    title, title_entry = index.title_scores(titles)
    raw = {"skill": skill_hits.scores, "title": title.astype(np.float64),
           "kra": kra.cosines.astype(np.float64)}
    ranked = {name: _ranked(raw[name]) for name in SIGNALS}
    kra_note = [f"{kra.text.source} ({len(kra.text.text.split())} words)"]
    evidence = {
        "skill": skill_hits.evidence,
        "title": lambda r: [index.entry_title[title_entry[r]]] if title_entry[r] >= 0 else [],
        "kra": lambda r: kra_note,
    }
    signals = {
        name: [SignalHit(role_id=index.roles[r].id, slug=index.slugs[r],
                         score=round(float(raw[name][r]), 4), evidence=evidence[name](r))
               for r in ranked[name][: settings.role_top_k]]
        for name in SIGNALS
    }
    clears = {"skill": raw["skill"] >= settings.role_min_skill_signal,
              "title": raw["title"] * 100 >= settings.role_min_title_signal,
              "kra": raw["kra"] >= settings.role_min_kra_signal}
    combined = _combined(raw, settings)
    case, chosen, why = _choose(index, raw, ranked, clears, combined, settings)
    role = index.roles[chosen] if chosen is not None else None
    if chosen is None:
        best = float(combined.max(initial=0.0))
        confidence = 1.0 - best / max(best + settings.role_min_combined, 1e-9)
        why += f"; new-role queue: {primary!r}" if primary else "; the JD has no title"
    else:
        rivals = combined.copy()
        rivals[chosen] = 0.0
        margin = float(combined[chosen] - rivals.max())
        discount = min(1.0, max(margin, 0.0) / settings.role_margin_full)
        confidence = combined[chosen] * (0.5 + 0.5 * discount)
    alias_roles = index.exact_titles.get(title_key(primary), []) if primary else []
    collision = index.roles[alias_roles[0]].id if alias_roles and chosen not in alias_roles \
        else None
    return Decision(case=case, role_id=role.id if role else None,
                    role_slug=role.slug if role else None, role_name=role.name if role else None,
                    confidence=_clip(confidence), signals=signals, rationale=why,
                    title_alias_role_id=collision)


def _ranked(scores: np.ndarray) -> list[int]:
    """Role indexes with a positive score, best first, ties by slug (= index order)."""
    order = np.argsort(-scores, kind="stable")
    return order[scores[order] > 0].tolist()


def _combined(raw: dict[str, np.ndarray], s: Settings) -> np.ndarray:
    norm = {
        "skill": np.clip(raw["skill"] / s.role_skill_full, 0, 1),
        "title": np.clip((raw["title"] - s.role_title_floor) / (1 - s.role_title_floor), 0, 1),
        # any English text sits near 0.3 to every centroid: count the lift over the JD's median
        "kra": np.clip((raw["kra"] - _median(raw["kra"])) / s.role_kra_lift_full, 0, 1),
    }
    weights = {"skill": s.role_weight_skill, "title": s.role_weight_title,
               "kra": s.role_weight_kra}
    total = sum(weights.values()) or 1.0
    return sum(norm[k] * (weights[k] / total) for k in SIGNALS)  # type: ignore[return-value]


def _choose(
    index: RoleIndex, raw: dict[str, np.ndarray], ranked: dict[str, list[int]],
    clears: dict[str, np.ndarray], combined: np.ndarray, s: Settings,
) -> tuple[Literal["A", "B", "C"], int | None, str]:
    slug = index.slugs

    def lead(name: str) -> str:
        top = ranked[name][:1]
        return f"{name}→{slug[top[0]]} ({raw[name][top[0]]:.2f})" if top else f"{name}→none"

    if not index.roles:
        return "C", None, "the catalog has no active roles"
    agreed = clears["skill"] | clears["title"]  # a role every signal ranks first (ties too)
    for k in SIGNALS:
        agreed &= (raw[k] >= raw[k].max() - 1e-9) & (raw[k] > 0)
    if agreed.any():
        r = int(np.argmax(agreed))  # the first by slug
        return "A", r, (f"all three signals rank {slug[r]} first (skill {raw['skill'][r]:.2f}, "
                        f"title {raw['title'][r]:.2f}, kra {raw['kra'][r]:.2f}); "
                        f"combined {combined[r]:.2f}")
    any_clear = clears["skill"] | clears["title"] | clears["kra"]
    if not any_clear.any():
        return "C", None, ("no signal clears its threshold: " + ", ".join(map(lead, SIGNALS))
                           + f" (thresholds skill {s.role_min_skill_signal}, title "
                           f"{s.role_min_title_signal / 100:.2f}, kra {s.role_min_kra_signal})")
    leads = {ranked[k][0] if ranked[k] else -1 for k in SIGNALS}
    why = "signals disagree" if len(leads) > 1 else "neither skill nor title clears its threshold"
    pool = sorted({r for k in SIGNALS for r in ranked[k][:VOTE_POOL] if any_clear[r]})
    vote = sorted(pool, key=lambda r: (-combined[r], r))
    if not vote or combined[vote[0]] < s.role_min_combined:
        best = f"{slug[vote[0]]} {combined[vote[0]]:.2f}" if vote else "none"
        return "C", None, (f"{why} ({', '.join(map(lead, SIGNALS))}) and the best "
                           f"vote ({best}) is below {s.role_min_combined:.2f}")
    win = vote[0]
    runner = (f"{slug[vote[1]]} {combined[vote[1]]:.2f} by "
              f"{combined[win] - combined[vote[1]]:.2f}") if len(vote) > 1 else "no rival"
    return "B", win, (f"{why} ({', '.join(map(lead, SIGNALS))}); weighted vote "
                      f"(skill {s.role_weight_skill:g}, title {s.role_weight_title:g}, kra "
                      f"{s.role_weight_kra:g}) over {len(pool)} candidates: {slug[win]} "
                      f"{combined[win]:.2f} beats {runner}")


def _median(x: np.ndarray) -> float:
    if x.size == 0:
        return 0.0
    ordered = np.sort(x)
    return float(ordered[(x.size - 1) // 2] + ordered[x.size // 2]) / 2


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
