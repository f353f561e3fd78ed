"""Word lists behind the common-word policy and the discovery filters.

The everyday-word list holds single words that taxonomies carry as skill labels or alt
labels (ESCO: "make", "current", "term", "guide"; Lightcast: "Scale", "Light") but that in a
JD are almost always plain English. It was drafted from the single-token catalog aliases that
occur most often in lower case in a corpus of job ads and trimmed by hand; it is code, not
data, so changes are reviewed. The generic-skill list holds real but broad skill words
("management", "communication", "security"). docs/evaluation.md gives the policy applied to
each list and its measured effect on SkillSpan.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EVERYDAY_WORDS: frozenset[str] = _words(
    """
    access acting advertisement attempt bake balance board brands breaking catalyst choose
    clean closing colour conduct confidence considerate continue conversation cooling
    current decide did drawing ear encompass energy equipment excel form gold guide hearing
    highlighting history hopper interaction interview lead less light make massive measuring
    mechanisms moral patterns persona perm plc political processes proportion recovery
    reserve resistance rolling scale schedule scheme session shooting signing silver sing
    source space standard strive switches term testimony track transport try drive focus
    impact change deliver delivery driven open passion growth people care culture value
    values mission vision progress result results solutions solution opportunity customer
    customers client clients partner partners agenda visionary remuneration
    """
)

# technology names that are also ordinary English words: they need a capital, a list of
# other skills, or a rule of their own (context_rules) to count
TECH_HOMONYMS: frozenset[str] = _words(
    """
    go swift rust spring unity lambda react ruby shell dart elm chef puppet salt flask spark
    hive pig storm beam ray dash next nest ember express word teams project office outlook
    sketch zoom slack notion linear jest mocha jasmine karma cucumber vault consul nomad
    packer helm prefect torch julia crystal pascal logo basic prolog pure alpha mode hex
    segment amplitude heap box sage oracle mercury apollo athena atlas aurora titan access
    excel scale snowflake glue sentry keystone compass phoenix falcon rocket tornado bottle
    pyramid requests celery flutter tableau confluence asana
    """
)

GENERIC_SKILL_WORDS: frozenset[str] = _words(
    """
    management communication communications research planning design security data sales
    leadership marketing finance operations engineering analysis analytics development
    support service services quality testing training teaching writing reporting consulting
    coordination collaboration supervision administration organisation organization
    innovation strategy technology computing science languages language business production
    maintenance monitoring documentation presentation presentations negotiation creativity
    teamwork motivation cooperation transformation experimentation reliability scalability
    transparency agility programming database technologies coding
    """
)

MONTHS_DAYS: frozenset[str] = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday mon tue wed thu fri sat sun
    """
)

PLACES: frozenset[str] = _words(
    """
    india usa us uk eu emea apac latam america americas europe asia africa australia canada
    mexico brazil argentina chile colombia peru germany france spain italy portugal ireland
    netherlands belgium switzerland austria poland sweden norway denmark finland romania
    ukraine russia turkey israel egypt nigeria kenya uae dubai saudi qatar singapore
    malaysia indonesia philippines vietnam thailand china japan korea taiwan pakistan
    bangladesh london manchester berlin munich paris amsterdam dublin madrid barcelona
    lisbon warsaw bangalore bengaluru mumbai delhi hyderabad chennai pune kolkata noida
    gurgaon gurugram ahmedabad york francisco seattle austin boston chicago denver atlanta
    toronto vancouver montreal sydney melbourne tokyo remote hybrid onsite worldwide global
    anywhere north south east west central
    """
)

# acronyms and capitalised words common in JDs that are never skills
NON_SKILL_TERMS: frozenset[str] = _words(
    """
    usd eur gbp inr aud cad chf jpy cny sgd aed lpa ctc w-2 w2 1099 c2c eeo eoe ada pto hr
    ceo cto cfo coo cio vp svp evp md fte ote llc inc ltd gmbh corp co plc llp ag sa bv pvt
    limited company team teams we you our your they their the a an and or of for to in on at
    with by from as is are be this that these those it its i me my he she his her who what
    when where why how all any each every some no not yes ok etc eg e.g ie i.e new senior
    junior lead principal staff head chief associate intern engineer engineers developer
    developers manager managers director role roles job jobs position candidate candidates
    experience years year hours hour week weeks month months day days pay salary bonus
    benefits equity remote hybrid onsite full-time part-time contract contractor freelance
    permanent temporary apply applicants application about responsibilities requirements
    qualifications skills skill must nice plus preferred required strong excellent good
    great ability hands-on working work join us help build design develop ensure own drive
    please note location locations office offices date posted today gen
    """
)
