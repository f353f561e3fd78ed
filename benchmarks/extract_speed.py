"""Throughput of the offline skill extractor (stage 2) on ~2.5k-character JDs.

Usage: python benchmarks/extract_speed.py [--catalog catalog/data] [--corpus NHS.jsonl.gz]
       [--n 2000] [--chars 2500]
Prints build time, alias count, JDs/s single-threaded and mean skills per JD.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import time
from pathlib import Path

from jdskills.evaluation.extractors import whole_text_section
from jdskills.offline.extract import load_gazetteer_from_catalog_dir
from jdskills.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
_TAGS = re.compile(r"<[^>]+>")


def _texts(corpus: Path | None, n: int, chars: int) -> list[str]:
    if corpus is not None and corpus.exists():
        out: list[str] = []
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                raw = html.unescape(str(json.loads(line).get("description") or ""))
                text = html.unescape(_TAGS.sub(" ", raw))  # the corpus holds escaped HTML
                if len(text) >= chars:
                    out.append(text[:chars])
                if len(out) >= n:
                    break
        return out
    seed = (SHARED / "seed" / "jd.txt").read_text(encoding="utf-8")[:chars]
    return [seed] * n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", type=Path, default=PROJECT_ROOT / "catalog" / "data")
    ap.add_argument("--corpus", type=Path,
                    default=SHARED / "eval-data" / "nhs-jobs-2020" / "nhs_jobs_2020.jsonl.gz")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--chars", type=int, default=2500)
    args = ap.parse_args()

    t0 = time.perf_counter()
    gaz = load_gazetteer_from_catalog_dir(args.catalog)
    build = time.perf_counter() - t0
    texts = _texts(args.corpus, args.n, args.chars)
    sections = [[whole_text_section(t)] for t in texts]
    gaz.extract(texts[0], sections[0])  # warm caches
    t0 = time.process_time()
    found = sum(len(gaz.extract(t, s)) for t, s in zip(texts, sections, strict=True))
    elapsed = time.process_time() - t0
    print(f"catalog: {args.catalog} ({gaz.alias_count} aliases), build+load {build:.2f} s")
    print(f"JDs: {len(texts)} x {args.chars} chars, {len(texts) / elapsed:.0f} JDs/s "
          f"single-threaded (CPU time), {found / len(texts):.1f} skills/JD")


if __name__ == "__main__":
    main()
