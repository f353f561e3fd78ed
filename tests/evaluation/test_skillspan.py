"""SkillSpan posting rebuild and the strict/lenient scorer on a hand-made example."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jdskills.evaluation.extractors import gazetteer_extractor
from jdskills.evaluation.skillspan import (
    SkillSpanFormatError,
    bio_spans,
    evaluate_skillspan,
    read_postings,
    score_posting,
    write_predictions,
)
from jdskills.offline.extract import Gazetteer

SENTENCES = [
    {"idx": 1, "source": "tech", "tokens": ["Java", "Developer"],
     "tags_skill": ["O", "O"], "tags_knowledge": ["B", "O"]},
    {"idx": 1, "source": "tech", "tokens": ["Experience", "with", "Node.js", "and", "team", "work"],
     "tags_skill": ["O", "O", "O", "O", "B", "I"],
     "tags_knowledge": ["O", "O", "B", "O", "O", "O"]},
    {"idx": 1, "source": "house", "tokens": ["Good", "communication", "skills"],
     "tags_skill": ["O", "B", "I"], "tags_knowledge": ["O", "O", "O"]},
]
PREDICTIONS = {
    "Java Developer\nExperience with Node.js and team work": ["Java", "Node.js", "Docker"],
    "Good communication skills": ["communication"],
}


@pytest.fixture()
def split(tmp_path: Path) -> Path:
    path = tmp_path / "dev.json"
    path.write_text("".join(json.dumps(s) + "\n" for s in SENTENCES), encoding="utf-8")
    return path


def test_bio_spans_handle_runs_and_a_stray_inside_tag() -> None:
    assert bio_spans(["B", "I", "O", "B", "B", "I", "O"]) == [(0, 2), (3, 4), (4, 6)]
    assert bio_spans(["O", "I", "I"]) == [(1, 3)]


def test_postings_are_rebuilt_with_gold_character_spans(split: Path) -> None:
    tech, house = read_postings(split)
    assert tech.posting_id == "tech-1" and house.posting_id == "house-1"
    assert tech.text == "Java Developer\nExperience with Node.js and team work"
    assert [(g.text, tech.text[g.start : g.end]) for g in tech.gold] == [
        ("Java", "Java"), ("team work", "team work"), ("Node.js", "Node.js")]
    assert [g.text for g in house.gold] == ["communication skills"]


def test_scores_on_the_hand_made_example(split: Path, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = evaluate_skillspan(split, lambda text: PREDICTIONS[text], predictions_out=out)
    assert result["postings"] == 2
    strict, lenient = result["strict"], result["lenient"]
    # strict: tech 2 of 3 predicted right, 2 of 3 gold found; house 0 of 1 / 0 of 1
    assert strict["micro"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    assert strict["macro"] == pytest.approx({"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3})
    # lenient: "communication" is contained in "communication skills"
    assert lenient["micro"] == pytest.approx({"precision": 0.75, "recall": 0.75, "f1": 0.75})
    assert lenient["macro"] == pytest.approx({"precision": 5 / 6, "recall": 5 / 6, "f1": 5 / 6})
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [{"posting": "tech-1", "skills": ["Java", "Node.js", "Docker"]},
                     {"posting": "house-1", "skills": ["communication"]}]


def test_lenient_counts_a_prediction_whose_span_overlaps_gold(split: Path) -> None:
    tech = read_postings(split)[0]
    start = tech.text.index("Node.js")
    scores = score_posting(tech, [("Node", start, start + 4), "Developer"])
    assert scores["strict"] == (0, 2, 0, 3)
    assert scores["lenient"] == (1, 2, 1, 3)


def test_empty_prediction_and_gold_score_one_and_files_write(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"idx": 7, "source": "tech", "tokens": ["Hello"],
                                "tags_skill": ["O"], "tags_knowledge": ["O"]}) + "\n")
    result = evaluate_skillspan(path, lambda text: [])
    assert result["strict"]["macro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result["strict"]["micro"]["f1"] == 0.0
    assert write_predictions(tmp_path / "p.jsonl", [("tech-7", [])]) == 1


def test_a_broken_line_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"idx": 1, "tokens": []}\n')
    with pytest.raises(SkillSpanFormatError):
        read_postings(path)


def test_gazetteer_extractor_scores_end_to_end(split: Path) -> None:
    aliases = pd.DataFrame({"skill_slug": ["java", "nodejs"], "alias": ["Java", "Node.js"],
                            "normalized": ["java", "node.js"],
                            "alias_type": ["canonical", "canonical"],
                            "match_strategy": ["exact", "exact"]})
    skills = pd.DataFrame({"slug": ["java", "nodejs"], "name": ["Java", "Node.js"],
                           "nature": ["hard", "tool"]})
    gaz = Gazetteer.build(aliases, skills)
    result = evaluate_skillspan(split, gazetteer_extractor(gaz, use_parser=False))
    # tech: Java and Node.js right (2/2), 2 of 3 gold; house: nothing predicted
    assert result["strict"]["micro"] == pytest.approx(
        {"precision": 1.0, "recall": 0.5, "f1": 2 / 3})
