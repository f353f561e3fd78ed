"""Stage 3 with the LLM backend: a name's semantic shortlist (found with hashed vectors)
re-ranked by the cosine of OpenAI embeddings (:class:`~jdskills.llm.embeddings.OpenAIEmbedder`)
of the name and of each shortlisted skill's name. The decision stays in ``tasks/match.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jdskills.llm.embeddings import OpenAIEmbedder
from jdskills.settings import Settings


def rerank_by_embedding(shortlists: Mapping[str, Sequence[int]], skill_names: Mapping[int, str],
                        settings: Settings, run_id: str | None
                        ) -> dict[str, list[tuple[int, float]]]:
    """Each name's shortlisted skill ids with their embedding cosine, best first. The names
    and all their candidates' names are embedded in one pass (cached per text); an
    :class:`~jdskills.llm.errors.LLMError` is raised when the embeddings cannot be had."""
    texts = list(dict.fromkeys([*shortlists, *(skill_names[i] for ids in shortlists.values()
                                               for i in ids)]))
    if not shortlists:
        return {}
    vectors = OpenAIEmbedder(settings, stage="match", run_id=run_id).embed(texts)
    row = {t: i for i, t in enumerate(texts)}
    ranked: dict[str, list[tuple[int, float]]] = {}
    for name, ids in shortlists.items():
        scores = vectors[[row[skill_names[i]] for i in ids]] @ vectors[row[name]]
        pairs = [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]
        ranked[name] = sorted(pairs, key=lambda p: -p[1])
    return ranked
