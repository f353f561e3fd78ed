"""Score the offline skill extractor on a SkillSpan split (see docs/evaluation.md).

Usage: python benchmarks/skillspan_eval.py [--split dev] [--catalog catalog/data]
       [--generic-policy canonical] [--no-parser] [--predictions out.jsonl]
Prints the strict/lenient micro/macro figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from jdskills.evaluation.extractors import gazetteer_extractor
from jdskills.evaluation.skillspan import evaluate_skillspan
from jdskills.offline.extract import load_gazetteer_from_catalog_dir
from jdskills.settings import PROJECT_ROOT

SKILLSPAN = PROJECT_ROOT.parent / "shared" / "eval-data" / "skillspan" / "json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--catalog", type=Path, default=PROJECT_ROOT / "catalog" / "data")
    ap.add_argument("--generic-policy", default="canonical",
                    choices=["keep", "canonical", "context", "drop"])
    ap.add_argument("--no-parser", action="store_true", help="one 'other' section per posting")
    ap.add_argument("--predictions", type=Path, default=None)
    args = ap.parse_args()

    gaz = load_gazetteer_from_catalog_dir(args.catalog, generic_policy=args.generic_policy)
    t0 = time.perf_counter()
    result = evaluate_skillspan(
        SKILLSPAN / f"{args.split}.json",
        gazetteer_extractor(gaz, use_parser=not args.no_parser),
        predictions_out=args.predictions,
    )
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["config"] = {"split": args.split, "generic_policy": args.generic_policy,
                        "parser": not args.no_parser}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
