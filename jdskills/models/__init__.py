"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from jdskills.models.catalog import (
    AliasCollision,
    CatalogVersion,
    Dimension,
    Role,
    RoleAlias,
    RoleDimension,
    Skill,
    SkillAlias,
    SkillDimension,
    SkillRelation,
)
from jdskills.models.jd import (
    IngestedFile,
    JDDimensionLink,
    JDLocation,
    JDParse,
    JDSkill,
    JDSummary,
    JobDescription,
    RoleDecision,
)
from jdskills.models.ops import (
    LLMCache,
    LLMCall,
    PipelineRun,
    Quarantine,
    ReviewAction,
    ReviewAliasCollision,
    ReviewNewDimension,
    ReviewNewRole,
    ReviewNewSkill,
    ReviewResponsibility,
)

__all__ = [
    "AliasCollision", "CatalogVersion", "Dimension", "IngestedFile", "JDDimensionLink",
    "JDLocation", "JDParse", "JDSkill", "JDSummary", "JobDescription", "LLMCache", "LLMCall",
    "PipelineRun", "Quarantine", "ReviewAction", "ReviewAliasCollision", "ReviewNewDimension",
    "ReviewNewRole", "ReviewNewSkill", "ReviewResponsibility", "Role", "RoleAlias",
    "RoleDecision", "RoleDimension", "Skill", "SkillAlias", "SkillDimension", "SkillRelation",
]
