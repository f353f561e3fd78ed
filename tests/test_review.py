"""`jdskills review` against real Postgres: a minimal catalog plus one pending skill seen in two
JDs, placed in a pending dimension, as the persist stage leaves them."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from jdskills import review
from jdskills.pipeline import writes
from jdskills.pipeline.state import JDState, SkillMatch
from jdskills.records import JDRecord

JD1, JD2 = "a" * 64, "b" * 64


def _id(conn: psycopg.Connection, sql: str, *params: Any) -> int:
    row = conn.execute(sql + " RETURNING id", params).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def world(migrated_db: str) -> dict[str, Any]:
    w: dict[str, Any] = {"url": migrated_db}
    with psycopg.connect(migrated_db) as c:
        w["v0"] = _id(c, "INSERT INTO catalog_version (source, description) VALUES ('build', '')")
        dim = "INSERT INTO dimension (slug, name, description, status, source, exemplars) " \
              "VALUES (%s, %s, '', %s, %s, %s)"
        w["llm_dim"] = _id(c, dim, "llm-apps", "LLM Applications", "active", "curated", None)
        w["pending_dim"] = _id(c, dim, "pending/agent-orchestration", "Agent Orchestration",
                               "pending", "offline", json.dumps(["LangGraph"]))
        skill = "INSERT INTO skill (slug, name, category, enrichment, status, source, " \
                "catalog_version_id) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        w["langchain"] = _id(c, skill, "langchain", "LangChain", "AI", None, "active",
                             "taxonomy", w["v0"])
        enrichment = {"confidence": 0.35, "placement": {
            "dimension_slug": "pending/agent-orchestration", "reused": False}}
        w["langgraph"] = _id(c, skill, "langgraph", "LangGraph", "AI Tools",
                             json.dumps(enrichment), "pending", "offline", None)
        alias = "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, " \
                "match_strategy, source) VALUES (%s, %s, %s, %s, 'canonical', 'exact', %s)"
        c.execute(alias, (w["langchain"], "LangChain", "langchain", "langchain", "taxonomy"))
        c.execute(alias, (w["langgraph"], "LangGraph", "langgraph", "langgraph", "pipeline"))
        sd = "INSERT INTO skill_dimension (skill_id, dimension_id, weight, source) " \
             "VALUES (%s, %s, 1.0, %s)"
        c.execute(sd, (w["langchain"], w["llm_dim"], "taxonomy"))
        c.execute(sd, (w["langgraph"], w["pending_dim"], "placement"))
        role = "INSERT INTO role (slug, name, description, responsibilities, centroid_n, " \
               "status, source) VALUES (%s, %s, '', '[]', 0, 'active', 'curated')"
        w["ml"] = _id(c, role, "ml-engineer", "ML Engineer")
        w["ds"] = _id(c, role, "data-scientist", "Data Scientist")
        c.execute("INSERT INTO role_alias (role_id, title, normalized, source) VALUES "
                  "(%s, 'Data Scientist', 'data scientist', 'curated')", (w["ds"],))
        for jd in (JD1, JD2):
            c.execute("INSERT INTO job_description (jd_id, source_uri, title, text, status) "
                      "VALUES (%s, 'mem://x', 'Data Scientist', 'text', 'processed')", (jd,))
        js = "INSERT INTO jd_skill (jd_id, skill_id, input_term, normalized, tag, is_primary, " \
             "matched_via, candidates, catalog_version_id) VALUES (%s, %s, %s, %s, %s, %s, %s, " \
             "'[]', %s)"
        link = "INSERT INTO jd_dimension_link (jd_id, jd_skill_id, dimension_id, via, " \
               "catalog_version_id) VALUES (%s, %s, %s, %s, %s)"
        for jd in (JD1, JD2):  # LangGraph: new, placed in the pending dimension
            w[f"new_{jd[0]}"] = _id(c, js, jd, w["langgraph"], "LangGraph", "langgraph", "new",
                                    jd == JD1, "new", w["v0"])
            c.execute(link, (jd, w[f"new_{jd[0]}"], w["pending_dim"], "placement", w["v0"]))
        w["lc_a"] = _id(c, js, JD1, w["langchain"], "LangChain", "langchain", "in_db", False,
                        "exact", w["v0"])  # JD1 also names LangChain
        c.execute(link, (JD1, w["lc_a"], w["llm_dim"], "catalog", w["v0"]))
        q = "occurrences, first_seen, last_seen, example_jd_ids, status"
        w["q_skill"] = _id(c, f"INSERT INTO review_new_skill (normalized, name, skill_id, role_id, "
                           f"role_key, {q}) VALUES ('langgraph', 'LangGraph', %s, %s, "
                           "'ml-engineer', 2, now(), now(), %s, 'pending')",
                           w["langgraph"], w["ml"], json.dumps([JD1, JD2]))
        w["q_skill2"] = _id(c, f"INSERT INTO review_new_skill (normalized, name, skill_id, "
                            f"role_key, {q}) VALUES ('langgraph', 'LangGraph', %s, '', 1, now(), "
                            "now(), '[]', 'pending')", w["langgraph"])
        w["q_dim"] = _id(c, f"INSERT INTO review_new_dimension (dimension_id, nearest, {q}) "
                         "VALUES (%s, %s, 1, now(), now(), '[]', 'pending')", w["pending_dim"],
                         json.dumps([{"slug": "llm-apps", "name": "LLM Applications",
                                      "score": 0.31, "signals": {}}]))
        w["q_role"] = _id(c, f"INSERT INTO review_new_role (normalized_title, title, "
                          f"top_candidates, {q}) VALUES ('prompt engineer', 'Prompt Engineer', "
                          "'[]', 3, now(), now(), '[]', 'pending')")
        w["q_coll"] = _id(c, f"INSERT INTO review_alias_collision (normalized_title, "
                          f"alias_role_id, decided_role_id, {q}) VALUES ('data scientist', %s, "
                          "%s, 2, now(), now(), %s, 'pending')", w["ds"], w["ml"],
                          json.dumps([JD1, JD2]))
        w["q_resp"] = _id(c, f"INSERT INTO review_responsibility (role_id, statement, normalized, "
                          f"{q}) VALUES (%s, 'Ship LLM agents to production', "
                          "'ship llm agents to production', 1, now(), now(), '[]', 'pending')",
                          w["ml"])
    return w


def _all(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as c:
        return c.execute(sql, params).fetchall()


def test_list_skills_json_shape(world: dict[str, Any]) -> None:
    with psycopg.connect(world["url"]) as c:
        items = review.list_items(c, kind="skill")
        dims = review.list_items(c, kind="dimension")
        assert review.list_items(c, kind="skill", status="approved") == []
    assert [i["id"] for i in items] == [world["q_skill"], world["q_skill2"]]  # most frequent 1st
    first = items[0]
    assert {"id", "name", "role", "occurrences", "first_seen", "last_seen", "example_jd_ids",
            "category", "confidence", "status"} <= set(first)
    assert (first["name"], first["role"], first["category"]) == ("LangGraph", "ml-engineer",
                                                                 "AI Tools")
    assert first["confidence"] == pytest.approx(0.35) and first["example_jd_ids"] == [JD1, JD2]
    assert dims[0]["name"] == "Agent Orchestration" and dims[0]["exemplars"] == ["LangGraph"]
    assert dims[0]["nearest"] == [{"slug": "llm-apps", "name": "LLM Applications",
                                   "score": 0.31}]
    json.dumps(items + dims)  # JSON-ready


def test_approve_skill_activates_it_and_its_jd_rows(world: dict[str, Any]) -> None:
    with psycopg.connect(world["url"]) as c:
        out = review.approve(c, kind="skill", item_id=world["q_skill"], actor="alice")
    url = world["url"]
    status, version = _all(url, "SELECT status, catalog_version_id FROM skill WHERE id = %s",
                           world["langgraph"])[0]
    assert status == "active" and version == out["catalog_version"] > world["v0"]
    assert _all(url, "SELECT source FROM catalog_version WHERE id = %s", version) == [("review",)]
    assert set(_all(url, "SELECT tag, matched_via, skill_id FROM jd_skill WHERE normalized = "
                         "'langgraph'")) == {("in_db", "exact", world["langgraph"])}
    assert _all(url, "SELECT status FROM review_new_skill ORDER BY id") == [("approved",)] * 2
    # the placement was in a still-pending dimension: not kept on an active skill
    assert _all(url, "SELECT * FROM skill_dimension WHERE skill_id = %s", world["langgraph"]) == []
    assert _all(url, "SELECT count(*) FROM skill_alias WHERE skill_id = %s AND alias_type = "
                     "'canonical'", world["langgraph"]) == [(1,)]
    actor, action, details = _all(url, "SELECT actor, action, details FROM review_action")[0]
    assert (actor, action) == ("alice", "approve")
    assert details["before"]["status"] == "pending" and details["after"]["status"] == "active"
    assert details["jd_skills_relinked"] == 2


def test_approved_dimension_keeps_the_skill_placement(world: dict[str, Any]) -> None:
    with psycopg.connect(world["url"]) as c:
        review.approve(c, kind="dimension", item_id=world["q_dim"], actor="a")
        out = review.approve(c, kind="skill", item_id=world["q_skill"], actor="a")
    assert _all(world["url"], "SELECT slug, status, review_log->>'pending_slug' FROM dimension "
                              "WHERE id = %s", world["pending_dim"]) == [
        ("agent-orchestration", "active", "pending/agent-orchestration")]
    assert out["after"]["dimensions"] == ["agent-orchestration"]
    assert _all(world["url"], "SELECT source FROM skill_dimension WHERE skill_id = %s",
                world["langgraph"]) == [("placement",)]


def test_merge_skill_adds_alias_and_repoints_jd_rows(world: dict[str, Any]) -> None:
    url, lc = world["url"], world["langchain"]
    with psycopg.connect(url) as c:
        out = review.merge(c, kind="skill", item_id=world["q_skill"], into="langchain", actor="b")
    assert ("LangGraph", "langgraph", "synonym", "review") in _all(
        url, "SELECT alias, normalized, alias_type, source FROM skill_alias WHERE skill_id = %s",
        lc)
    rows = _all(url, "SELECT jd_id, id, skill_id, tag, matched_via, is_primary FROM jd_skill "
                     "ORDER BY jd_id")
    # JD1 already named LangChain: one row left, primary because LangGraph was; JD2 re-pointed
    assert rows == [(JD1, world["lc_a"], lc, "in_db", "exact", True),
                    (JD2, world["new_b"], lc, "in_db", "exact", False)]
    links = _all(url, "SELECT jd_skill_id, dimension_id, via FROM jd_dimension_link ORDER BY 1")
    assert links == sorted([(world["lc_a"], world["llm_dim"], "catalog"),
                            (world["new_b"], world["llm_dim"], "catalog")])
    assert _all(url, "SELECT status FROM skill WHERE id = %s", world["langgraph"]) == [
        ("rejected",)]
    assert _all(url, "SELECT DISTINCT status FROM review_new_skill") == [("merged",)]
    assert (out["jd_skills_repointed"], out["jd_skills_merged"]) == (1, 1)
    assert _all(url, "SELECT action FROM review_action") == [("merge",)]


def test_reject_skill_is_not_queued_again(world: dict[str, Any]) -> None:
    url = world["url"]
    with psycopg.connect(url) as c:
        review.reject(c, kind="skill", item_id=world["q_skill"], actor="c", reason="noise")
    assert _all(url, "SELECT status FROM skill WHERE id = %s", world["langgraph"]) == [
        ("rejected",)]
    state = JDState(record=JDRecord(jd_id="c" * 64, source_uri="mem://y", text="t"), skills=[
        SkillMatch(input_term="LangGraph", normalized="langgraph", is_primary=True, evidence="",
                   tag="new", matched_via="new")])
    with psycopg.connect(url) as c:  # a later run meets the name again, with another role
        writes.queue_new_skills(c, [state], {"langgraph": world["langgraph"]}, Counter())
    assert _all(url, "SELECT id, status, occurrences FROM review_new_skill ORDER BY id") == [
        (world["q_skill"], "rejected", 2), (world["q_skill2"], "rejected", 1)]
    assert _all(url, "SELECT details->>'reason' FROM review_action") == [("noise",)]


def test_acting_twice_or_on_unknown_ids_fails_and_changes_nothing(world: dict[str, Any]) -> None:
    url = world["url"]
    with psycopg.connect(url) as c:
        review.approve(c, kind="skill", item_id=world["q_skill"], actor="a")
    versions = _all(url, "SELECT count(*) FROM catalog_version")
    for act in (lambda c: review.approve(c, kind="skill", item_id=world["q_skill"], actor="a"),
                lambda c: review.reject(c, kind="skill", item_id=world["q_skill2"], actor="a"),
                lambda c: review.merge(c, kind="skill", item_id=world["q_skill"],
                                       into="langchain", actor="a")):
        with pytest.raises(review.ReviewError, match="already approved"), \
                psycopg.connect(url) as c:
            act(c)
    with pytest.raises(review.ReviewError, match="no role review item with id 999"), \
            psycopg.connect(url) as c:
        review.approve(c, kind="role", item_id=999, actor="a")
    assert _all(url, "SELECT count(*) FROM review_action") == [(1,)]
    assert _all(url, "SELECT count(*) FROM catalog_version") == versions


def test_dimension_reject_and_merge(world: dict[str, Any]) -> None:
    url = world["url"]
    with psycopg.connect(url) as c:
        review.merge(c, kind="dimension", item_id=world["q_dim"], into="llm-apps", actor="d")
    assert _all(url, "SELECT skill_id, source FROM skill_dimension WHERE dimension_id = %s "
                     "ORDER BY 1", world["llm_dim"]) == [(world["langchain"], "taxonomy"),
                                                         (world["langgraph"], "placement")]
    assert _all(url, "SELECT count(*) FROM jd_dimension_link WHERE dimension_id = %s",
                world["pending_dim"]) == [(0,)]
    assert _all(url, "SELECT status FROM review_new_dimension") == [("merged",)]
    # the pending dimension row keeps status pending (slug-namespace CHECK), noting the target
    assert _all(url, "SELECT status, (review_log->>'merged_into')::int FROM dimension WHERE "
                     "id = %s", world["pending_dim"]) == [("pending", world["llm_dim"])]
    with psycopg.connect(url) as c:  # the skill approved later follows the merge
        out = review.approve(c, kind="skill", item_id=world["q_skill"], actor="d")
    assert out["after"]["dimensions"] == ["llm-apps"]


def test_dimension_reject_keeps_row_pending(world: dict[str, Any]) -> None:
    with psycopg.connect(world["url"]) as c:
        review.reject(c, kind="dimension", item_id=world["q_dim"], actor="e")
    assert _all(world["url"], "SELECT d.status, q.status FROM dimension d JOIN "
                              "review_new_dimension q ON q.dimension_id = d.id") == [
        ("pending", "rejected")]


def test_role_collision_and_responsibility_approvals(world: dict[str, Any]) -> None:
    url = world["url"]
    with psycopg.connect(url) as c:
        role = review.approve(c, kind="role", item_id=world["q_role"], actor="f",
                              as_name="Prompt Engineering Lead")
        review.approve(c, kind="collision", item_id=world["q_coll"], actor="f")
        review.approve(c, kind="responsibility", item_id=world["q_resp"], actor="f")
    assert _all(url, "SELECT slug, name, status, source FROM role WHERE id = %s",
                role["after"]["role_id"]) == [
        ("prompt-engineering-lead", "Prompt Engineering Lead", "active", "user")]
    assert {r[0] for r in _all(url, "SELECT normalized FROM role_alias WHERE role_id = %s",
                               role["after"]["role_id"])} == {"prompt engineer",
                                                               "prompt engineering lead"}
    assert _all(url, "SELECT title FROM role_alias WHERE role_id = %s", world["ml"]) == [
        ("Data Scientist",)]
    assert _all(url, "SELECT responsibilities FROM role WHERE id = %s", world["ml"]) == [
        (["Ship LLM agents to production"],)]
    assert _all(url, "SELECT count(DISTINCT catalog_version_id) FROM skill") == [(1,)]
    assert _all(url, "SELECT count(*) FROM catalog_version WHERE source = 'review'") == [(3,)]


def test_cli_lists_approves_and_refuses_twice(world: dict[str, Any], use_database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from jdskills.cli.common import console
    from jdskills.cli.main import app

    use_database(world["url"])
    monkeypatch.setattr(console, "width", 160)  # no wrapping inside table cells
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "skills", "--json", "--limit", "1"])
    assert listed.exit_code == 0, listed.output
    assert [i["id"] for i in json.loads(listed.stdout)] == [world["q_skill"]]
    table = runner.invoke(app, ["review", "dimensions"])
    assert table.exit_code == 0 and "Agent Orchestration" in table.output
    assert "llm-apps 0.31" in table.output  # nearest catalog dimension with its score
    args = ["review", "approve", "skill", str(world["q_skill"]), "--by", "bob"]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(app, args)
    assert "approved skill" in ok.output
    assert again.exit_code == 1
    message = " ".join(again.output.split())  # rich wraps at the test terminal's width
    assert message.startswith("error: skill") and "already approved (approve by bob" in message
    assert "Traceback" not in again.output and message.endswith("nothing changed")
    assert _all(world["url"], "SELECT actor FROM review_action") == [("bob",)]
