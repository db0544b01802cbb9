#!/usr/bin/env python3
"""The peer: cxgap's journeys, overview and driver table, computed in DuckDB.

An independent implementation of SPEC sections 2, 3.1 and 3.4 in SQL, run
on the files `cxgap sample` writes (CSV or Parquet) and mapped by the
cxgap.toml written beside them. The benchmark runs it on the same files as
`cxgap report`, times each stage, and compares its figures with cxgap's, so
the two engines are shown to compute the same thing before their times are
compared.

It covers what the generated data exercises: the generator's timestamp
layout, the validation rules its dirty rows trip, `overlap = add`,
`attribution = last`, `survey.pick = first`, a 1-5 CSAT scale and the default
promise fulfilment. Like `cxgap report`, it writes journeys.parquet.

Usage: duckdb_metrics.py DATA_DIR OUT_DIR   (prints a JSON result)
"""

import json
import math
import statistics
import sys
import time
import tomllib
from pathlib import Path

import duckdb

REPEAT_WINDOW_DAYS = 7
SURVEY_WINDOW_DAYS = 14
TS_FORMAT = "%Y-%m-%d %H:%M:%S"
EVENT_TYPES = [
    "case_opened", "contact_in", "contact_out", "transfer", "escalation",
    "promise", "promise_kept", "resolved", "reopened", "closed", "identify",
    "survey_sent",
]
# Factors of SPEC 3.4, as SQL over the journeys table.
FACTORS = [
    ("has_repeat", "has_repeat"),
    ("recontacted", "recontacted"),
    ("promise_missed", "promise_missed"),
    ("reopened", "reopens > 0"),
    ("transferred", "transfers >= 1"),
    ("escalated", "escalated"),
    ("multi_channel", "channels_used >= 2"),
    ("followed_up", "followed_up"),
    ("not_fcr", "NOT fcr"),
    ("ops_resolved_customer_not", "resolved_at IS NOT NULL AND NOT customer_resolved"),
]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text(name: str) -> str:
    """A user column as trimmed text, empty as NULL (as cxgap reads it)."""
    return f"nullif(trim(CAST({q(name)} AS VARCHAR)), '')"


def parsed(spec: dict, name: str, kind: str = "TIMESTAMP", fmt: str = None) -> str:
    """A timestamp (or date) column: typed already in Parquet, parsed from
    the generator's layout in CSV."""
    if spec["path"].endswith(".parquet"):
        return f"CAST({q(name)} AS {kind})"
    return f"CAST(try_strptime({text(name)}, '{fmt or TS_FORMAT}') AS {kind})"


def source(data: Path, spec: dict) -> str:
    path = str(data / spec["path"]).replace("'", "''")
    if path.endswith(".parquet"):
        return f"read_parquet('{path}', file_row_number = true)"
    # all_varchar: every column as text, parsed below exactly as cxgap does.
    return f"read_csv('{path}', header = true, all_varchar = true, quote = '\"')"


def line_expr(spec: dict) -> str:
    # CSV: the spreadsheet row (header is row 1); Parquet: the row number.
    if spec["path"].endswith(".parquet"):
        return "file_row_number + 1"
    return "row_number() OVER () + 1"


def stages(con, data: Path, out: Path) -> dict:
    cfg = tomllib.loads((data / "cxgap.toml").read_text())
    ev, sv, ct = cfg["events"], cfg["surveys"], cfg["contacts"]
    ec, sc, cc = ev["columns"], sv["columns"], ct["columns"]
    activity = {t: t for t in EVENT_TYPES}
    for canonical, names in ev.get("activities", {}).items():
        for n in names:
            activity[n.strip().lower()] = canonical
    case_map = " ".join(
        f"WHEN '{k.replace(chr(39), chr(39) * 2)}' THEN '{v}'" for k, v in activity.items()
    )
    timings = {}

    def stage(name, sql):
        t = time.perf_counter()
        con.execute(sql)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t

    # ---- read and validate: valid rows only, as cxgap's used rows -------
    stage("read inputs", f"""
        CREATE TABLE ev AS
        SELECT * FROM (
            SELECT {line_expr(ev)} AS line,
                   {text(ec['case_id'])} AS case_id,
                   {parsed(ev, ec['timestamp'])} AS ts,
                   CASE lower({text(ec['event'])}) {case_map} ELSE 'other' END AS event,
                   {text(ec['event'])} AS activity,
                   {text(ec['customer_id'])} AS customer_id,
                   lower({text(ec['channel'])}) AS channel,
                   {text(ec['agent'])} AS agent,
                   {text(ec['team'])} AS team,
                   {parsed(ev, ec['due_at'])} AS due_at,
                   lower({text(ec['promise_kind'])}) AS promise_kind
            FROM {source(data, ev)})
        WHERE case_id IS NOT NULL AND ts IS NOT NULL AND activity IS NOT NULL
    """)
    stage("read inputs", f"""
        CREATE TABLE sv AS
        WITH raw AS (
            SELECT {line_expr(sv)} AS line,
                   {text(sc['survey_id'])} AS survey_id,
                   {text(sc['case_id'])} AS case_id,
                   {text(sc['customer_id'])} AS customer_id,
                   {text(sc['sent_at'])} AS sent_raw,
                   {parsed(sv, sc['sent_at'])} AS sent_at,
                   {text(sc['responded_at'])} AS resp_raw,
                   {parsed(sv, sc['responded_at'])} AS responded_at,
                   {text(sc['score'])} AS score_raw,
                   try_cast({text(sc['score'])} AS DOUBLE) AS score,
                   lower({text(sc['resolved'])}) AS resolved_raw
            FROM {source(data, sv)}),
        valid AS (
            SELECT *, CASE WHEN resolved_raw IN ('yes','y','true','1','1.0') THEN true
                           WHEN resolved_raw IN ('no','n','false','0','0.0') THEN false END AS resolved
            FROM raw
            WHERE survey_id IS NOT NULL
              AND (case_id IS NOT NULL OR customer_id IS NOT NULL)
              AND NOT (sent_raw IS NOT NULL AND sent_at IS NULL)
              AND NOT (resp_raw IS NOT NULL AND responded_at IS NULL)
              AND NOT (score_raw IS NOT NULL AND score IS NULL)
              AND coalesce(score BETWEEN 1 AND 5, true)
              AND NOT (responded_at IS NOT NULL AND score IS NULL))
        SELECT line, survey_id, case_id, customer_id, sent_at, responded_at,
               (responded_at IS NOT NULL OR score IS NOT NULL) AS answered,
               score, resolved
        FROM valid
        WHERE resolved_raw IS NULL OR resolved IS NOT NULL
        -- a duplicate survey id keeps its first valid row
        QUALIFY row_number() OVER (PARTITION BY survey_id ORDER BY line) = 1
    """)
    stage("read inputs", f"""
        CREATE TABLE ct AS
        SELECT line, case_id, customer_id, CAST(d AS DATE) AS date,
               CAST(n AS BIGINT) AS contacts,
               CASE WHEN dir IN ('out', 'outbound', 'o', 'outgoing') THEN 'out' ELSE 'in' END AS direction
        FROM (
            SELECT {line_expr(ct)} AS line,
                   {text(cc['case_id'])} AS case_id,
                   {text(cc['customer_id'])} AS customer_id,
                   {parsed(ct, cc['date'], 'DATE', '%Y-%m-%d')} AS d,
                   try_cast({text(cc['contacts'])} AS DOUBLE) AS n,
                   lower({text(cc['direction'])}) AS dir
            FROM {source(data, ct)})
        WHERE (case_id IS NOT NULL OR customer_id IS NOT NULL)
          AND d IS NOT NULL AND n >= 0 AND n = floor(n)
          AND (dir IS NULL OR dir IN ('in', 'inbound', 'i', 'incoming', 'out', 'outbound', 'o', 'outgoing'))
    """)

    # ---- journeys (SPEC 2) ---------------------------------------------
    as_of = con.execute("SELECT max(ts) FROM ev").fetchone()[0]
    as_of_sql = f"TIMESTAMP '{as_of}'"
    w = f"INTERVAL {REPEAT_WINDOW_DAYS} DAY"
    # One pass over the events: (ts, line) orders a case's timeline.
    stage("build journeys", f"""
        CREATE TABLE cases AS
        WITH agg AS (
            SELECT case_id,
                arg_min(customer_id, struct_pack(t := ts, l := line)) FILTER (customer_id IS NOT NULL) AS customer_id,
                coalesce(min(ts) FILTER (event = 'case_opened'), min(ts)) AS opened_at,
                max(struct_pack(t := ts, l := line)) FILTER (event = 'reopened') AS last_reopen,
                max(struct_pack(t := ts, l := line)) FILTER (event = 'resolved') AS last_resolved,
                max(struct_pack(t := ts, l := line)) FILTER (event = 'closed') AS last_closed,
                count(*) FILTER (event = 'contact_in') AS logged_in,
                count(*) FILTER (event = 'contact_out') AS logged_out,
                count(*) FILTER (event = 'transfer') AS transfers,
                bool_or(event = 'escalation') AS escalated,
                count(*) FILTER (event = 'reopened') AS reopens,
                count(DISTINCT channel) FILTER (event IN ('contact_in', 'contact_out')) AS channels_used,
                count(*) AS events,
                arg_max(team, struct_pack(t := ts, l := line)) FILTER (team IS NOT NULL) AS team
            FROM ev GROUP BY case_id)
        SELECT case_id, customer_id, opened_at,
            -- only a resolution (or closure) after the last reopen counts
            CASE WHEN last_reopen IS NULL THEN coalesce(last_resolved.t, last_closed.t)
                 WHEN last_resolved > last_reopen THEN last_resolved.t
                 WHEN last_closed > last_reopen THEN last_closed.t END AS resolved_at,
            logged_in, logged_out, transfers, escalated, reopens, channels_used, events, team,
            coalesce(customer_id, chr(1) || 'case:' || case_id) AS key
        FROM agg
    """)
    stage("build journeys", f"""
        CREATE TABLE attributed AS
        WITH spans AS (
            SELECT case_id, customer_id, opened_at, CAST(opened_at AS DATE) AS from_day,
                   coalesce(CAST(resolved_at AS DATE), CAST({as_of_sql} AS DATE)) AS to_day
            FROM cases),
        by_customer AS (
            SELECT c.line, arg_max(s.case_id, struct_pack(t := s.opened_at, c := s.case_id)) AS case_id
            FROM ct c JOIN spans s ON c.customer_id = s.customer_id
                 AND c.date BETWEEN s.from_day AND s.to_day
            WHERE c.case_id IS NULL
            GROUP BY c.line)
        SELECT ct.line, coalesce(b.case_id, k.case_id) AS case_id, ct.customer_id,
               ct.date, ct.contacts, ct.direction
        FROM ct
        LEFT JOIN by_customer b ON ct.case_id IS NULL AND b.line = ct.line
        LEFT JOIN cases k ON ct.case_id = k.case_id
        WHERE coalesce(b.case_id, k.case_id) IS NOT NULL
    """)
    stage("build journeys", f"""
        CREATE TABLE recontact AS
        WITH resolved AS (
            SELECT case_id, key, resolved_at, CAST(resolved_at AS DATE) AS r_day
            FROM cases WHERE resolved_at IS NOT NULL),
        event_contacts AS (
            SELECT c.key, e.ts FROM ev e JOIN cases c USING (case_id)
            WHERE e.event = 'contact_in'),
        counted AS (
            SELECT c.key, a.date FROM attributed a JOIN cases c USING (case_id)
            WHERE a.direction = 'in' AND a.contacts > 0
            UNION ALL
            SELECT customer_id, date FROM ct
            WHERE direction = 'in' AND contacts > 0 AND customer_id IS NOT NULL
              AND line NOT IN (SELECT line FROM attributed)),
        hits AS (
            SELECT r.case_id FROM resolved r JOIN event_contacts e ON r.key = e.key
            WHERE e.ts > r.resolved_at AND e.ts <= r.resolved_at + {w}
            UNION
            SELECT r.case_id FROM resolved r JOIN counted c ON r.key = c.key
            WHERE c.date - r.r_day BETWEEN 1 AND {REPEAT_WINDOW_DAYS})
        SELECT r.case_id,
               CASE WHEN h.case_id IS NOT NULL THEN true
                    WHEN r.resolved_at + {w} > {as_of_sql} THEN NULL
                    ELSE false END AS recontacted
        FROM resolved r LEFT JOIN (SELECT DISTINCT case_id FROM hits) h USING (case_id)
    """)
    stage("build journeys", f"""
        CREATE TABLE promises AS
        WITH p AS (
            SELECT case_id, line, ts AS made_at, due_at, coalesce(promise_kind, 'unspecified') AS kind
            FROM ev WHERE event = 'promise'),
        f AS (
            SELECT p.line, min(e.ts) AS fulfilled_at
            FROM p JOIN ev e ON e.case_id = p.case_id AND e.ts >= p.made_at AND e.line <> p.line
            WHERE (e.event = 'promise_kept' AND (e.promise_kind IS NULL OR e.promise_kind = p.kind))
               OR (p.kind = 'callback' AND e.event = 'contact_out')
               OR (p.kind = 'resolution' AND e.event = 'resolved')
            GROUP BY p.line)
        SELECT p.case_id, p.line,
               CASE WHEN due_at IS NULL THEN 'undated'
                    WHEN fulfilled_at <= due_at THEN 'kept'
                    WHEN fulfilled_at IS NOT NULL THEN 'late'
                    WHEN due_at < {as_of_sql} THEN 'broken'
                    ELSE 'pending' END AS status
        FROM p LEFT JOIN f USING (line)
    """)
    stage("build journeys", f"""
        CREATE TABLE matched AS
        WITH by_customer AS (
            SELECT s.line, arg_max(c.case_id, struct_pack(t := c.resolved_at, c := c.case_id)) AS case_id
            FROM sv s JOIN cases c ON s.customer_id = c.customer_id
            WHERE s.case_id IS NULL AND c.resolved_at IS NOT NULL
              AND c.resolved_at <= coalesce(s.responded_at, s.sent_at)
              AND coalesce(s.responded_at, s.sent_at) - c.resolved_at <= INTERVAL {SURVEY_WINDOW_DAYS} DAY
            GROUP BY s.line)
        SELECT s.*, coalesce(k.case_id, b.case_id) AS case_key
        FROM sv s
        LEFT JOIN cases k ON s.case_id = k.case_id
        LEFT JOIN by_customer b ON s.case_id IS NULL AND s.line = b.line
        WHERE coalesce(k.case_id, b.case_id) IS NOT NULL
    """)
    stage("build journeys", f"""
        CREATE TABLE journeys AS
        WITH answers AS (
            SELECT case_key AS case_id,
                   count(*) FILTER (answered) AS surveys_answered,
                   arg_min(score, struct_pack(t := responded_at, l := line)) FILTER (answered) AS score,
                   arg_min(resolved, struct_pack(t := responded_at, l := line)) FILTER (answered) AS customer_resolved,
                   arg_min(responded_at, struct_pack(t := responded_at, l := line)) FILTER (answered) AS responded_at
            FROM matched GROUP BY case_key),
        totals AS (
            SELECT case_id,
                   sum(contacts) FILTER (direction = 'in') AS counted_in,
                   sum(contacts) FILTER (direction = 'out') AS counted_out
            FROM attributed GROUP BY case_id),
        pc AS (
            SELECT case_id, count(*) FILTER (status IN ('late', 'broken')) AS promises_missed
            FROM promises GROUP BY case_id),
        base AS (
            SELECT c.*, r.recontacted,
                   c.logged_in + coalesce(t.counted_in, 0) AS inbound_contacts,
                   c.logged_out + coalesce(t.counted_out, 0) AS outbound_contacts,
                   coalesce(pc.promises_missed, 0) AS promises_missed,
                   coalesce(a.surveys_answered, 0) > 0 AS surveyed,
                   a.score, a.customer_resolved, a.responded_at
            FROM cases c
            LEFT JOIN totals t USING (case_id)
            LEFT JOIN recontact r USING (case_id)
            LEFT JOIN pc USING (case_id)
            LEFT JOIN answers a USING (case_id)),
        follow AS (
            SELECT DISTINCT b.case_id FROM base b JOIN ev e USING (case_id)
            WHERE b.resolved_at IS NOT NULL AND e.event = 'contact_out' AND e.ts > b.resolved_at
              AND CASE WHEN b.responded_at IS NOT NULL THEN e.ts < b.responded_at
                       ELSE e.ts <= b.resolved_at + {w} END)
        SELECT base.*,
               greatest(inbound_contacts - 1, 0) AS repeat_contacts,
               inbound_contacts > 1 AS has_repeat,
               promises_missed > 0 AS promise_missed,
               date_diff('millisecond', opened_at, resolved_at) / 3600000.0 AS resolution_hours,
               CASE WHEN resolved_at IS NULL THEN NULL ELSE f.case_id IS NOT NULL END AS followed_up,
               CASE WHEN recontacted IS NULL THEN NULL
                    ELSE inbound_contacts <= 1 AND reopens = 0 AND NOT recontacted END AS fcr,
               score >= 4 AS satisfied
        FROM base LEFT JOIN follow f USING (case_id)
        ORDER BY case_id
    """)
    path = str(out / "journeys.parquet").replace("'", "''")
    stage("write journeys", f"COPY journeys TO '{path}' (FORMAT parquet)")

    # ---- overview (SPEC 3.1) and driver table (SPEC 3.4) ---------------
    t = time.perf_counter()
    o = con.execute("""
        SELECT count(*), count(*) FILTER (resolved_at IS NULL),
               avg(score) FILTER (surveyed), count(*) FILTER (surveyed),
               count(*) FILTER (satisfied AND surveyed),
               avg(CAST(fcr AS DOUBLE)), avg(CAST(has_repeat AS DOUBLE)),
               avg(CAST(recontacted AS DOUBLE)), avg(inbound_contacts),
               median(resolution_hours)
        FROM journeys""").fetchone()
    miss = con.execute("""
        SELECT count(*) FILTER (status IN ('late', 'broken')) * 1.0
               / count(*) FILTER (status IN ('kept', 'late', 'broken'))
        FROM promises""").fetchone()[0]
    answered, invited = con.execute(
        "SELECT count(*) FILTER (answered), count(*) FROM sv").fetchone()
    overview = {
        "cases": o[0], "open_cases": o[1], "surveys_answered": answered,
        "response_rate": answered / invited, "mean_score": o[2],
        "csat_pct": 100.0 * o[4] / o[3], "fcr_rate": o[5],
        "repeat_contact_rate": o[6], "recontact_rate": o[7],
        "promise_miss_rate": miss, "mean_inbound_contacts": o[8],
        "median_resolution_hours": o[9],
    }
    aggs = []
    for i, (_, cond) in enumerate(FACTORS):
        for tag, c in (("w", f"({cond})"), ("o", f"NOT ({cond})")):
            aggs += [f"count(score) FILTER ({c})", f"sum(score) FILTER ({c})",
                     f"sum(score * score) FILTER ({c})"]
    m = con.execute(f"SELECT {', '.join(aggs)} FROM journeys WHERE surveyed").fetchone()
    drivers = []
    for i, (name, _) in enumerate(FACTORS):
        nw, sw, qw, no, so, qo = m[6 * i: 6 * i + 6]
        drivers.append(driver_row(name, nw, sw or 0.0, qw or 0.0, no, so or 0.0, qo or 0.0))
    drivers.sort(key=lambda r: (-(r["impact"] if r["impact"] is not None else -math.inf), r["factor"]))
    timings["metrics"] = time.perf_counter() - t
    return {"timings": timings, "overview": overview, "drivers": drivers}


def driver_row(name, nw, sw, qw, no, so, qo):
    """Gap, Welch 95% interval (normal quantile: these samples are large),
    prevalence and impact from the sums DuckDB aggregated."""
    mean = lambda s, n: s / n if n else None  # noqa: E731
    var = lambda s, q, n: (q - s * s / n) / (n - 1) if n > 1 else None  # noqa: E731
    mw, mo = mean(sw, nw), mean(so, no)
    gap = mw - mo if mw is not None and mo is not None else None
    vw, vo = var(sw, qw, nw), var(so, qo, no)
    ci = None
    if gap is not None and vw is not None and vo is not None:
        se = math.sqrt(vw / nw + vo / no)
        z = statistics.NormalDist().inv_cdf(0.975)
        ci = (gap - z * se, gap + z * se)
    prevalence = nw / (nw + no) if nw + no else None
    return {
        "factor": name, "n_with": nw, "n_without": no, "mean_with": mw,
        "mean_without": mo, "gap": gap, "gap_ci": ci, "prevalence": prevalence,
        "impact": -gap * prevalence if gap is not None else None,
    }


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()  # in memory, both cores
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = true")
    t = time.perf_counter()
    result = stages(con, data, out)
    result["wall_seconds"] = time.perf_counter() - t
    result["duckdb_version"] = duckdb.__version__
    json.dump(result, sys.stdout, indent=1, default=str)
    print()


if __name__ == "__main__":
    main()
