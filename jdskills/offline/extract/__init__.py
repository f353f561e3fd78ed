"""Offline skill extraction (stage 2): catalog gazetteer, context rules, discovery.

>>> gaz = Gazetteer.build(aliases_df, skills_df, collisions_df)   # once per run
>>> skills = gaz.extract(jd_text, parse.sections, company=parse.company_name)
"""

from jdskills.offline.extract.gazetteer import Gazetteer
from jdskills.offline.extract.index import CatalogTableError, SkillKey
from jdskills.offline.extract.loading import CatalogDirError, load_gazetteer_from_catalog_dir

__all__ = [
    "CatalogDirError",
    "CatalogTableError",
    "Gazetteer",
    "SkillKey",
    "load_gazetteer_from_catalog_dir",
]
