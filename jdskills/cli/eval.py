"""``jdskills eval``: measure extraction quality on labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from jdskills.cli.common import console, friendly_errors

eval_app = typer.Typer(help="Evaluate extraction on labelled data.", no_args_is_help=True)


@eval_app.command("skillspan")
def skillspan(
    path: Path = typer.Argument(..., help="SkillSpan JSONL split (e.g. ../shared/eval-data/"
                                "skillspan/json/dev.json)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    predictions: Path = typer.Option(None, "--predictions",
                                     help="Also write one JSON line per posting here."),
    catalog_dir: Path = typer.Option(None, help="Catalog folder to build the gazetteer from "
                                     "(default: the active catalog in the database)."),
) -> None:
    """Per-posting precision/recall/F1, micro and macro, strict and lenient (docs/evaluation.md)."""
    from jdskills.evaluation.extractors import gazetteer_extractor
    from jdskills.evaluation.skillspan import evaluate_skillspan

    with friendly_errors():
        if catalog_dir is not None:
            from jdskills.offline.extract import load_gazetteer_from_catalog_dir

            gazetteer = load_gazetteer_from_catalog_dir(catalog_dir)
        else:
            from jdskills.bootstrap import ensure_ready
            from jdskills.pipeline.catalog_snapshot import get_snapshot

            ensure_ready()
            gazetteer = get_snapshot().gazetteer
        scores = evaluate_skillspan(path, gazetteer_extractor(gazetteer),
                                    predictions_out=predictions)
    if as_json:
        typer.echo(json.dumps(scores))
        return
    console.print(f"postings: {scores['postings']}")
    for mode in ("strict", "lenient"):
        for avg in ("micro", "macro"):
            s = scores[mode][avg]
            console.print(f"{mode:>8} {avg}: P {s['precision']:.3f}  R {s['recall']:.3f}  "
                          f"F1 {s['f1']:.3f}", highlight=False)
