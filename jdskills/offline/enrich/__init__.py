"""Offline enrichment and placement of new skills (stage 5).

Everything here is inferred from the catalog and the JD context, never from outside
knowledge: the fields carry ``provenance = "offline-nearest-neighbours"`` and a confidence of
at most 0.5, and go to review with the skill (status pending).

``context``   gathers each distinct new skill of a batch with its evidence and co-mentions,
              and finds its nearest catalog skills by name.
``fields``    infers the descriptive fields (category, type, maturity, keywords, ...).
``placement`` reuses a catalog dimension when it is genuinely close, else proposes a
              pending one (``pending/<slug>``) shared by the new skills that belong together.
"""

from jdskills.offline.enrich.context import (
    NewSkillContext,
    collect_new_skills,
    new_skill_names,
)
from jdskills.offline.enrich.fields import PROVENANCE, infer_fields
from jdskills.offline.enrich.neighbours import nearest_by_name
from jdskills.offline.enrich.placement import place_new_skills

__all__ = [
    "PROVENANCE", "NewSkillContext", "collect_new_skills", "infer_fields", "nearest_by_name",
    "new_skill_names", "place_new_skills",
]
