"""End-to-end offline benchmark: N NHS postings from object storage (a local moto S3 server)
through the ingest_batch flow into Postgres. Prints JDs/s, seconds per stage (summed over
the analysis processes), the share of the run spent in Prefect (and GX) rather than in the
stages' own code, and peak memory: RSS of the flow's process and of its largest forked
analysis worker, and the peak of the summed PSS (shared pages split, not double-counted)
and of the summed RSS of all of them; and the CPU seconds the run took, by process.

    .venv/bin/python benchmarks/offline_nhs.py --n 5000

Uses a fresh database on the managed local Postgres (or DATABASE_URL's server) and drops it
afterwards. The corpus is read from ../shared/eval-data (never copied into the repo).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import resource
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for key, value in {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                   "PREFECT_LOGGING_LEVEL": "WARNING"}.items():
    os.environ.setdefault(key, value)

NHS = ROOT.parent / "shared" / "eval-data" / "nhs-jobs-2020" / "nhs_jobs_2020.jsonl.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_s3(body: bytes) -> tuple[subprocess.Popen, str]:
    port = free_port()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                      AWS_DEFAULT_REGION="us-east-1")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    for _ in range(100):
        try:
            client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
            client.create_bucket(Bucket="bench")
            break
        except Exception:  # noqa: BLE001 - server still starting
            time.sleep(0.2)
    client.put_object(Bucket="bench", Key="nhs/dt=2020-11-01/part-0.jsonl", Body=body)
    return proc, endpoint


class MemorySampler:
    """Peak memory of this process and its forked analysis workers, sampled every second:
    the sum of their PSS (shared pages counted once, split between the processes that map
    them) and the sum of their RSS (shared pages counted in every process)."""

    def __init__(self) -> None:
        import threading

        self.peak_pss = self.peak_rss_sum = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(1.0):
            pss = rss = 0
            for p in [me, *me.children()]:
                try:
                    if p is not me and ("moto" in (cmd := " ".join(p.cmdline()))
                                        or "uvicorn" in cmd):
                        continue  # the S3 and Prefect servers are not the pipeline
                    info = p.memory_full_info()
                except psutil.Error:  # a worker that just exited
                    continue
                pss += info.pss
                rss += info.rss
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_rss_sum = max(self.peak_rss_sum, rss)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class CpuAccount:
    """Where the machine's CPU time went during the flow run: the flow's process, its forked
    analysis workers (reaped by the end of the run), the Prefect API server, the S3 server,
    and the rest (mostly Postgres), from the machine's busy time."""

    def __init__(self, s3: subprocess.Popen) -> None:
        self._s3 = s3

    def _read(self) -> dict[str, float]:
        import psutil

        machine = psutil.cpu_times()
        me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))

        def cpu(proc: psutil.Process) -> float:
            try:
                t = proc.cpu_times()
                return t.user + t.system
            except psutil.Error:
                return 0.0

        server = sum(cpu(p) for p in psutil.Process().children()
                     if "uvicorn" in " ".join(p.cmdline()))
        return {"machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
                "flow_process": me.ru_utime + me.ru_stime,
                "analysis_workers": kids.ru_utime + kids.ru_stime,
                "prefect_server": server, "s3_server": cpu(psutil.Process(self._s3.pid))}

    def __enter__(self) -> CpuAccount:
        self._start = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._read()
        self.seconds = {k: round(end[k] - self._start[k], 1) for k in end}
        self.seconds["postgres_and_rest"] = round(self.seconds["machine"] - sum(
            v for k, v in self.seconds.items() if k != "machine"), 1)


def make_database() -> tuple[str, str]:
    import psycopg

    from jdskills.local_postgres import LocalPostgres
    from jdskills.settings import Settings

    s = Settings()
    server = s.database_url or LocalPostgres(s.data_dir, s.local_pg_port).ensure_running()
    server = server.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"jdskills_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server, server.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--chunk-size", type=int, default=None,
                    help="JDs per chunk (default: the chunk_size setting)")
    ap.add_argument("--bare", action=argparse.BooleanOptionalAction, default=True,
                    help="also run the same stages without Prefect to measure its overhead "
                    "(default: on)")
    ap.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True,
                    help="sample the PSS/RSS of all the pipeline's processes once a second "
                    "(reading smaps costs a little CPU; default: on)")
    args = ap.parse_args()

    lines = []
    with gzip.open(NHS, "rt", encoding="utf-8") as fh:
        for line in fh:
            lines.append(line.rstrip("\n"))
            if len(lines) >= args.n:
                break
    body = ("\n".join(lines) + "\n").encode()
    s3, endpoint = start_s3(body)
    server, url = make_database()
    os.environ["DATABASE_URL"] = url
    os.environ["JDSKILLS_S3_ENDPOINT_URL"] = endpoint
    import psycopg

    from catalog.load import load_catalog
    from jdskills import migrate

    try:
        t0 = time.perf_counter()
        migrate.upgrade(url=url)
        with psycopg.connect(url) as conn:
            load_catalog(conn)
        setup = time.perf_counter() - t0
        from prefect import flow

        from flows.ingest_batch import ingest_batch
        from jdskills.pipeline.runners import forked_workers
        from jdskills.settings import Settings

        @flow(name="bench-warm-up")
        def warm_up() -> None:
            """Starts Prefect's ephemeral API server (a deployment has one running)."""

        t0 = time.perf_counter()
        warm_up()
        server_start = time.perf_counter() - t0
        uri = "s3://bench/nhs/dt=2020-11-01/*.jsonl"
        t0 = time.perf_counter()
        memory = MemorySampler()
        cpu = CpuAccount(s3)
        with memory if args.memory else contextlib.nullcontext(), cpu:
            result = ingest_batch(uri=uri, chunk_size=args.chunk_size)
        wall = time.perf_counter() - t0
        with psycopg.connect(url) as conn:
            stages = conn.execute("SELECT stage_seconds FROM pipeline_run WHERE run_id = %s",
                                  (result["run_id"],)).fetchone()[0]
        figures = {
            "n": args.n, "chunk_size": args.chunk_size or Settings().chunk_size,
            "catalog_setup_s": round(setup, 2),
            "prefect_server_start_s": round(server_start, 2),
            "wall_s": round(wall, 2), "jds_per_s": round(args.n / wall, 1),
            "jds_per_s_incl_server_start": round(args.n / (wall + server_start), 1),
            "processed": result["processed"], "rejected": result["rejected"],
            "quarantined": result["quarantined"], "skipped": result["skipped"],
            "stage_seconds": stages,
            "gx_share": round(stages.get("quality", 0.0) / wall, 3),
            "analysis_processes": forked_workers(10**6) or 1,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_largest_worker": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "peak_pss_mb_all_processes": round(memory.peak_pss / 2**20, 1) or None,
            "peak_rss_mb_sum_all_processes": round(memory.peak_rss_sum / 2**20, 1) or None,
            "cpu_seconds": cpu.seconds,
        }
        print(json.dumps(figures, indent=2), flush=True)
        if args.bare:
            print(json.dumps({"bare": bare_run(url, uri, args.chunk_size, wall)}, indent=2))
    finally:
        s3.terminate()
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def bare_run(url: str, uri: str, chunk_size: int | None, flow_wall: float) -> dict[str, float]:
    """The same flow body with every task replaced by its plain function, on a fresh copy of
    the data (the flow's JDs are deleted first so nothing is skipped)."""
    import psycopg

    import flows.ingest_batch as module

    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE job_description, ingested_file, quarantine CASCADE")
    # start as cold as the flow run did: no catalog snapshot, derived lookups or word vectors
    from jdskills.embedder import default_embedder
    from jdskills.offline import lookup
    from jdskills.pipeline import catalog_snapshot

    catalog_snapshot._CACHE.clear()
    lookup._DERIVED.clear()
    default_embedder.cache_clear()
    for name in dir(module):
        obj = getattr(module, name)
        if hasattr(obj, "fn") and name not in ("ingest_batch", "analyse_chunk"):
            setattr(module, name, obj.fn)
    module.quote = lambda value: value  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    module.ingest_batch.fn(uri=uri, chunk_size=chunk_size)
    bare = time.perf_counter() - t0
    return {"bare_wall_s": round(bare, 2),
            "prefect_overhead_share": round(max(0.0, flow_wall - bare) / flow_wall, 3)}


if __name__ == "__main__":
    main()
