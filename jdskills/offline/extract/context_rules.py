"""Sense rules for ambiguous aliases ("Go" the language vs "go" the verb, ...).

A rule looks at one mention in its original text and answers ``True`` (the skill),
``False`` (not a skill here) or ``None`` (no opinion: the generic homonym test decides).
The generic test (:func:`homonym_ok`) accepts a mention that is an item of a list with
another skill, or written with a capital that is not just the start of a sentence, or in
capitals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_WORD = re.compile(r"[\w+#][\w+#.'\-]*")
_SENTENCE_END = frozenset(".!?:;\n•·▪●◦*>|")


@dataclass(slots=True)
class MentionContext:
    """One candidate mention and what the rules may look at around it."""

    text: str
    start: int
    end: int
    in_list: bool
    doc_lower: str
    _prev: list[str] | None = field(default=None, repr=False)
    _next: list[str] | None = field(default=None, repr=False)

    @property
    def surface(self) -> str:
        return self.text[self.start : self.end]

    def prev_words(self) -> list[str]:
        """Up to three lower-cased words before the mention, nearest last."""
        if self._prev is None:
            chunk = self.text[max(0, self.start - 40) : self.start]
            self._prev = [w.lower() for w in _WORD.findall(chunk)][-3:]
        return self._prev

    def next_words(self) -> list[str]:
        """Up to three lower-cased words after the mention, nearest first."""
        if self._next is None:
            chunk = self.text[self.end : self.end + 40]
            self._next = [w.lower().rstrip(".") for w in _WORD.findall(chunk)][:3]
        return self._next

    @property
    def prev_word(self) -> str:
        words = self.prev_words()
        return words[-1] if words else ""

    @property
    def next_word(self) -> str:
        words = self.next_words()
        return words[0] if words else ""

    @property
    def next_char(self) -> str:
        return self.text[self.end] if self.end < len(self.text) else ""

    @property
    def sentence_initial(self) -> bool:
        i = self.start - 1
        while i >= 0 and self.text[i] in " \t\u00a0-–—(\"'":
            i -= 1
        return i < 0 or self.text[i] in _SENTENCE_END

    @property
    def standalone(self) -> bool:
        """The mention is a whole line or bullet by itself ("- Rust", "Go.")."""
        left = self.text.rfind("\n", 0, self.start) + 1
        right = self.text.find("\n", self.end)
        right = len(self.text) if right < 0 else right
        rest = self.text[left : self.start] + self.text[self.end : right]
        return not rest.strip(" \t-*•·▪●◦.,;:()")

    def window(self, chars: int = 160) -> str:
        return self.doc_lower[max(0, self.start - chars) : self.end + chars]

    def doc_has(self, terms: frozenset[str] | set[str]) -> bool:
        return any(t in self.doc_lower for t in terms)

    def window_has(self, terms: frozenset[str] | set[str], chars: int = 160) -> bool:
        win = self.window(chars)
        return any(t in win for t in terms)


def is_capitalised(surface: str) -> bool:
    return surface[:1].isupper()


def homonym_ok(ctx: MentionContext) -> bool:
    """A common-word alias counts when listed with skills or written as a name."""
    s = ctx.surface
    if ctx.in_list or (ctx.standalone and is_capitalised(s)):
        return True
    if len(s) >= 2 and s.isupper():
        return True
    return is_capitalised(s) and not ctx.sentence_initial


SKILL_NOUNS = frozenset(
    {"skills", "skill", "abilities", "ability", "experience", "knowledge", "expertise",
     "background", "techniques", "methods", "methodologies", "practices", "principles",
     "tools", "capabilities", "competence", "competencies", "proficiency", "acumen",
     "qualities", "savvy", "degree", "processes", "strategies", "frameworks"}
)


def generic_ok(ctx: MentionContext) -> bool:
    """A broad skill word counts as "communication skills" or listed with other skills."""
    return ctx.in_list or ctx.next_word in SKILL_NOUNS


_LANG_TERMS = frozenset(
    {"python", "java", "rust", "c++", "golang", "kotlin", "scala", "typescript", "javascript",
     "node", "ruby", "c#", "elixir", "haskell"}
)
_BACKEND_TERMS = _LANG_TERMS | frozenset(
    {"backend", "back-end", "microservice", "kubernetes", "grpc", "docker", "distributed",
     "concurren", "api"}
)
_CODE_NEXT = frozenset(
    {"programming", "language", "lang", "code", "developer", "developers", "engineer",
     "engineers", "programmer", "programmers", "services", "microservices", "backend",
     "modules", "libraries", "library", "codebase", "development", "stack", "runtime"}
)
_USE_PREV = frozenset({"in", "with", "using", "of", "and", "or", "like", "e.g", "including"})


def rule_go(ctx: MentionContext) -> bool | None:
    if ctx.next_char == "-" or (ctx.surface == "go" and not ctx.in_list):
        return False  # go-to, go-live, lower-case verb
    if ctx.next_word in {"live", "to", "beyond", "above", "ahead", "through", "back", "out",
                         "into", "further", "the", "over", "get", "getter", "getters", "far",
                         "extra", "hand", "on", "forward", "fast", "green", "public"}:
        return False
    if ctx.prev_word in {"the", "to", "will", "can", "let's", "lets", "must", "you", "we",
                         "they", "should", "could", "would", "ready", "and"} and not ctx.in_list:
        return False
    if ctx.in_list or ctx.next_word in _CODE_NEXT or "golang" in ctx.doc_lower:
        return True
    if ctx.prev_word in _USE_PREV and ctx.window_has(_BACKEND_TERMS, 300):
        return True
    return ctx.window_has(_LANG_TERMS, 200) and not ctx.sentence_initial


_STATS_TERMS = frozenset(
    {"statistic", "python", "sas", "stata", "spss", "matlab", "data", "analysis", "analytics",
     "rstudio", "tidyverse", "ggplot", "shiny", "sql", "modelling", "modeling"}
)


def _glued(ctx: MentionContext) -> bool:
    """"C-level", "R's", "R.E.M.": a letter that is part of something longer."""
    nxt = ctx.next_char
    if nxt in ("-", "'", "\u2019"):
        return True
    return nxt == "." and ctx.end + 1 < len(ctx.text) and ctx.text[ctx.end + 1].isalnum()


def rule_r(ctx: MentionContext) -> bool | None:
    if _glued(ctx):
        return False
    if ctx.in_list or ctx.next_word in {"programming", "language", "studio", "shiny", "packages",
                                        "package", "scripts", "scripting", "code", "markdown",
                                        "libraries", "and"}:
        return ctx.in_list or ctx.window_has(_STATS_TERMS, 300)
    return ctx.prev_word in _USE_PREV and ctx.window_has(_STATS_TERMS, 300)


_C_TERMS = frozenset(
    {"embedded", "firmware", "c++", "assembly", "linux", "kernel", "programming",
     "microcontroller", "rtos", "python", "java", "rust", "compiler", "unix"}
)


def rule_c(ctx: MentionContext) -> bool | None:
    if _glued(ctx):
        return False  # C-level, C-suite
    if ctx.prev_word in {"grade", "vitamin", "type", "section", "class", "level", "plan", "band",
                         "category", "appendix", "part", "usb", "schedule", "tier", "b", "a"}:
        return False
    if ctx.in_list or ctx.next_word in _CODE_NEXT | {"programming", "compilers"}:
        return True
    return ctx.prev_word in _USE_PREV and ctx.window_has(_C_TERMS, 300)


def rule_excel(ctx: MentionContext) -> bool | None:
    if ctx.next_word in {"at", "in", "with", "as", "under", "when", "through", "by", "within"}:
        return False  # "excel at/in", "you will excel"
    if ctx.prev_word in {"to", "will", "you", "we", "who", "can", "and", "should", "could"}:
        return ctx.in_list
    if ctx.prev_word in {"ms", "microsoft", "advanced", "using", "in"}:
        return True
    if ctx.next_word in {"spreadsheets", "spreadsheet", "skills", "vba", "macros", "formulas",
                         "functions", "pivot", "models", "modelling", "modeling", "dashboards",
                         "sheets", "workbooks", "knowledge", "proficiency"}:
        return is_capitalised(ctx.surface) or ctx.in_list
    return None


_JAVA_TERMS = frozenset(
    {"java", "boot", "hibernate", "microservice", "kotlin", "jvm", "maven", "gradle", "mvc",
     "jpa", "j2ee", "jee"}
)


def rule_spring(ctx: MentionContext) -> bool | None:
    if ctx.next_word in {"break", "semester", "season", "term", "intake", "festival", "cleaning",
                         "summer"} or ctx.next_word.isdigit():
        return False
    if not is_capitalised(ctx.surface) and not ctx.in_list:
        return False
    return ctx.doc_has(_JAVA_TERMS) or (ctx.in_list and ctx.window_has(_LANG_TERMS, 300))


_IOS_TERMS = frozenset(
    {"ios", "xcode", "objective-c", "swiftui", "apple", "cocoa", "uikit", "iphone", "ipad",
     "macos", "mobile"}
)


def rule_swift(ctx: MentionContext) -> bool | None:
    if not is_capitalised(ctx.surface) and not ctx.in_list:
        return False
    if ctx.next_word in {"response", "action", "delivery", "resolution", "turnaround", "manner",
                         "decision", "decisions", "progress", "to"} and not ctx.in_list:
        return False
    return ctx.doc_has(_IOS_TERMS) or (ctx.in_list and ctx.window_has(_LANG_TERMS, 300))


def rule_rust(ctx: MentionContext) -> bool | None:
    if not is_capitalised(ctx.surface) and not ctx.in_list:
        return False
    if ctx.window_has(frozenset({"corrosion", "paint", "metal", "prevention", "removal"}), 80):
        return False
    if ctx.in_list or ctx.next_word in _CODE_NEXT:
        return True
    return ctx.prev_word in _USE_PREV and ctx.window_has(_BACKEND_TERMS | {"systems"}, 300)


_AWS_TERMS = frozenset(
    {"aws", "serverless", "amazon", "api gateway", "dynamodb", "s3", "step functions",
     "cloudformation", "sqs", "sns", "ec2"}
)


def rule_lambda(ctx: MentionContext) -> bool | None:
    if ctx.next_word in {"expressions", "expression", "calculus", "architecture"}:
        return False
    return ctx.window_has(_AWS_TERMS, 300) or (ctx.doc_has(_AWS_TERMS) and ctx.in_list)


_GAME_TERMS = frozenset(
    {"game", "unreal", "3d", "c#", "augmented", "virtual reality", "ar/vr", "xr", "gameplay",
     "shader", "vr ", "metaverse", "godot", "blender"}
)


def rule_unity(ctx: MentionContext) -> bool | None:
    if not is_capitalised(ctx.surface) and not ctx.in_list:
        return False
    if ctx.next_word in {"3d", "engine", "editor", "developer", "developers", "game", "games"}:
        return True
    if ctx.prev_word in {"of", "bring", "promote", "sense", "spirit", "foster", "create"}:
        return ctx.in_list and ctx.window_has(_GAME_TERMS, 300)
    return ctx.doc_has(_GAME_TERMS)


def rule_access(ctx: MentionContext) -> bool | None:
    if ctx.prev_word in {"ms", "microsoft"}:
        return True
    if not is_capitalised(ctx.surface) and not ctx.in_list:
        return False
    if ctx.next_word in {"to", "the", "our", "your", "a", "an", "control", "rights", "points",
                         "for", "from", "is", "will"}:
        return False
    if ctx.next_word in {"database", "databases", "db", "vba", "queries", "forms"}:
        return True
    return ctx.in_list and ctx.window_has(
        frozenset({"excel", "word", "sql", "database", "office", "powerpoint", "outlook"}), 200
    )


Rule = Callable[[MentionContext], "bool | None"]

RULES: dict[str, Rule] = {
    "go": rule_go,
    "r": rule_r,
    "c": rule_c,
    "excel": rule_excel,
    "spring": rule_spring,
    "swift": rule_swift,
    "rust": rule_rust,
    "lambda": rule_lambda,
    "unity": rule_unity,
    "access": rule_access,
}
