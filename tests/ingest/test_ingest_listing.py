"""Listing a URI: one file, a glob, a folder; URIs, fingerprints and unsupported schemes."""

from __future__ import annotations

import importlib.util
import os

import pytest

from jdskills.ingest import UnsupportedStorageError, file_fingerprint, list_input_files


@pytest.fixture
def tree(write_input):
    for name in ["dt=2026-11-24/a.jsonl", "dt=2026-11-25/b.jsonl", "dt=2026-11-25/c.csv.gz",
                 "dt=2026-11-25/docs/z.html", "dt=2026-11-25/docs/y.txt",
                 "dt=2026-11-25/_SUCCESS", "dt=2026-11-25/.hidden.jsonl",
                 "dt=2026-11-25/jd.pdf"]:
        path = write_input(name, "{}\n")
    return path.parent.parent


def _names(files, root):
    return [f.uri.removeprefix(f"file://{root}/") for f in files]


def test_folder_lists_supported_files_recursively_sorted(tree, settings):
    files = list_input_files(str(tree / "dt=2026-11-25"), settings=settings)
    assert _names(files, tree) == ["dt=2026-11-25/b.jsonl", "dt=2026-11-25/c.csv.gz",
                                   "dt=2026-11-25/docs/y.txt", "dt=2026-11-25/docs/z.html"]
    assert all(f.size == 3 for f in files if not f.uri.endswith(".gz"))


def test_folder_can_include_unsupported_files_to_account_for_them(tree, settings):
    files = list_input_files(str(tree / "dt=2026-11-25"), settings=settings,
                             include_unsupported=True)
    assert "dt=2026-11-25/jd.pdf" in _names(files, tree)
    assert not any("_SUCCESS" in f.uri or ".hidden" in f.uri for f in files)


def test_globs_match_files_and_expand_matching_folders(tree, settings):
    jsonl = list_input_files(f"{tree}/dt=2026-11-25/*.jsonl", settings=settings)
    assert _names(jsonl, tree) == ["dt=2026-11-25/b.jsonl"]
    days = list_input_files(f"{tree}/dt=2026-11-2*", settings=settings)
    assert _names(days, tree) == ["dt=2026-11-24/a.jsonl", "dt=2026-11-25/b.jsonl",
                                  "dt=2026-11-25/c.csv.gz", "dt=2026-11-25/docs/y.txt",
                                  "dt=2026-11-25/docs/z.html"]
    assert list_input_files(f"{tree}/dt=2030-*/*.jsonl", settings=settings) == []


def test_single_file_is_listed_whatever_its_extension(tree, settings):
    [pdf] = list_input_files(str(tree / "dt=2026-11-25/jd.pdf"), settings=settings)
    assert pdf.uri == f"file://{tree}/dt=2026-11-25/jd.pdf"


def test_plain_path_and_file_uri_list_the_same_file(tree, settings):
    path = tree / "dt=2026-11-24/a.jsonl"
    assert list_input_files(str(path), settings=settings) == \
        list_input_files(f"file://{path}", settings=settings)


def test_missing_path_raises(tree, settings):
    with pytest.raises(FileNotFoundError):
        list_input_files(str(tree / "nope"), settings=settings)


def test_fingerprint_follows_content_changes(write_input, settings):
    path = write_input("f.jsonl", '{"text": "a"}\n')
    [before] = list_input_files(str(path), settings=settings)
    assert list_input_files(str(path), settings=settings) == [before]
    assert before.fingerprint == file_fingerprint(before.uri, before.size, before.etag_or_mtime)

    path.write_text('{"text": "b"}\n')  # same size: only the mtime tells
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    [after] = list_input_files(str(path), settings=settings)
    assert after.size == before.size and after.fingerprint != before.fingerprint


def test_input_file_is_immutable(write_input, settings):
    [f] = list_input_files(str(write_input("f.jsonl", "{}\n")), settings=settings)
    with pytest.raises(ValueError):
        f.size = 1  # type: ignore[misc]


def test_unsupported_scheme_is_a_clear_error(settings):
    with pytest.raises(UnsupportedStorageError, match="ftp"):
        list_input_files("ftp://host/jobs.jsonl", settings=settings)


@pytest.mark.skipif(importlib.util.find_spec("gcsfs") is not None, reason="gcsfs is installed")
def test_gs_without_gcsfs_says_what_to_install(settings):
    with pytest.raises(UnsupportedStorageError, match="gcsfs"):
        list_input_files("gs://bucket/dt=2026-11-25/", settings=settings)
