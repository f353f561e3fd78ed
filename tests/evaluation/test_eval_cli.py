"""`jdskills eval skillspan` end to end on a tiny SkillSpan-format file and the shipped catalog."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jdskills.cli.main import app
from jdskills.settings import PROJECT_ROOT

SENTENCES = [
    {"idx": 0, "source": "tech", "tokens": ["Experience", "with", "Python", "and", "Docker"],
     "tags_skill": ["O"] * 5, "tags_knowledge": ["O", "O", "B", "O", "B"]},
    {"idx": 0, "source": "tech", "tokens": ["You", "know", "Kubernetes", "well"],
     "tags_skill": ["O"] * 4, "tags_knowledge": ["O", "O", "B", "O"]},
    {"idx": 1, "source": "house", "tokens": ["Strong", "SQL", "skills", "required"],
     "tags_skill": ["O"] * 4, "tags_knowledge": ["O", "B", "O", "O"]},
]


def test_eval_cli_json_and_predictions(tmp_path: Path) -> None:
    data = tmp_path / "mini.json"
    data.write_text("\n".join(json.dumps(s) for s in SENTENCES) + "\n")
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["eval", "skillspan", str(data), "--json", "--predictions",
                                      str(out), "--catalog-dir",
                                      str(PROJECT_ROOT / "catalog" / "data")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.strip().splitlines()[-1])
    assert scores["postings"] == 2
    for mode in ("strict", "lenient"):
        for avg in ("micro", "macro"):
            assert set(scores[mode][avg]) == {"precision", "recall", "f1"}
    assert scores["lenient"]["micro"]["recall"] >= 0.75  # python, docker, kubernetes, sql
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["posting"] for x in lines] == ["tech-0", "house-1"]
    assert any("python" in s.lower() for s in lines[0]["skills"])
