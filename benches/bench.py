#!/usr/bin/env python3
"""cxgap's benchmark: `cxgap report` against DuckDB on the same files.

For each input format and scale it generates reference data with
`cxgap sample`, runs `cxgap report` and then the same metrics in DuckDB
(benches/duckdb_metrics.py: journeys, overview, driver table) on the same
files, each under /usr/bin/time -v, and prints wall time, CPU time, peak
RSS, cxgap's stage timings and the ratio cxgap/DuckDB. The two engines'
figures are compared first: a benchmark of two programs that disagree
would measure nothing, so any disagreement fails the run (exit 1).

    pip install -r benches/requirements.txt
    python3 benches/bench.py                          # 100k, 300k, 1M; CSV and Parquet
    python3 benches/bench.py --scales 2000 --formats csv   # a smoke run (the test suite's)
    python3 benches/bench.py --one-account 10000,100000    # a business account's many cases

Results are written down in BENCHMARKS.md; timings are never asserted.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Overview figures both engines report, and how cxgap names them.
OVERVIEW = [
    "cases", "open_cases", "surveys_answered", "response_rate", "mean_score",
    "csat_pct", "fcr_rate", "repeat_contact_rate", "recontact_rate",
    "promise_miss_rate", "mean_inbound_contacts", "median_resolution_hours",
]


def build_cxgap() -> Path:
    """`cargo build --locked` and the path of the binary it built."""
    out = subprocess.run(
        ["cargo", "build", "--locked", "--message-format=json-render-diagnostics"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            if msg["target"]["name"] == "cxgap":
                return Path(msg["executable"])
    sys.exit("bench: cargo built no cxgap binary")


def timed(cmd: list, stdout=subprocess.DEVNULL) -> dict:
    """Run under /usr/bin/time -v: wall and CPU seconds, peak RSS in MiB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", tf.name, *map(str, cmd)],
            stdout=stdout, stderr=subprocess.PIPE, text=True,
        )
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(map(str, cmd))} failed:\n{proc.stderr}")
        report = tf.read()

    def field(label):
        m = re.search(rf"{re.escape(label)}: (.+)", report)
        return m.group(1).strip() if m else "0"

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    return {
        "wall_s": wall,
        "cpu_s": float(field("User time (seconds)")) + float(field("System time (seconds)")),
        "peak_rss_mib": int(field("Maximum resident set size (kbytes)")) / 1024,
        "stdout": proc.stdout if stdout == subprocess.PIPE else None,
    }


def cxgap_run(cxgap: Path, data: Path, report: Path):
    measured = timed([cxgap, "report", data, "--out", report])
    measured.pop("stdout")
    run = json.loads((report / "run.json").read_text())
    return measured, {s["stage"]: s["ms"] / 1000 for s in run["stage_timings_ms"]}


def peer_run(data: Path, out: Path):
    measured = timed([sys.executable, HERE / "duckdb_metrics.py", data, out], stdout=subprocess.PIPE)
    return measured, json.loads(measured.pop("stdout"))


def median_run(repeat: int, run):
    """Run `repeat` times; the run with the median wall time, and its details."""
    runs = sorted((run() for _ in range(repeat)), key=lambda r: r[0]["wall_s"])
    return runs[len(runs) // 2]


def generate(cxgap: Path, work: Path, fmt: str, cases: int, seed: int, fresh: bool) -> Path:
    """Sample data, reused when a run with the same arguments made it
    (unless `fresh`: after a change to the generator)."""
    data = work / f"data-{fmt}-{cases}-seed{seed}"
    stamp = data / ".complete"
    if fresh or not stamp.exists():
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run(
            [cxgap, "sample", "--cases", str(cases), "--seed", str(seed),
             "--format", fmt, "--out", data],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        stamp.touch()
    return data


def rows(data: Path) -> dict:
    """Input sizes, from the sample's CSV lines or Parquet metadata."""
    import duckdb

    out = {}
    for name in ("events", "surveys", "contacts"):
        csv, pq = data / f"{name}.csv", data / f"{name}.parquet"
        if csv.exists():
            with open(csv, "rb") as f:
                out[name] = sum(1 for _ in f) - 1
        else:
            out[name] = duckdb.connect().execute(f"SELECT count(*) FROM '{pq}'").fetchone()[0]
    return out


def compare(cxgap_dir: Path, peer: dict) -> list:
    """Where the two engines disagree (empty when they agree)."""
    ours = {r["figure"]: r["value"] for r in json.loads((cxgap_dir / "tables/overview.json").read_text())}
    problems = []
    for name in OVERVIEW:
        a, b = ours.get(name), peer["overview"].get(name)
        if a is None or b is None:
            if a != b:
                problems.append(f"overview {name}: cxgap {a}, duckdb {b}")
        elif abs(a - b) > 1e-4 * max(1.0, abs(b)):  # cxgap rounds to 4 decimals
            problems.append(f"overview {name}: cxgap {a}, duckdb {b}")
    drivers = {r["factor"]: r for r in json.loads((cxgap_dir / "tables/drivers.json").read_text())}
    for d in peer["drivers"]:
        c = drivers.get(d["factor"])
        if c is None:
            problems.append(f"driver {d['factor']}: missing in cxgap")
            continue
        for key in ("n_with", "n_without", "mean_with", "mean_without", "gap"):
            a, b = c[key], d[key]
            if (a is None) != (b is None) or (a is not None and abs(a - b) > 0.0051):
                problems.append(f"driver {d['factor']} {key}: cxgap {a}, duckdb {b}")
    return problems


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal"))
        mem_gib = int(mem.split()[1]) / 2**20
    except (OSError, StopIteration):
        mem_gib = 0
    return f"{os.cpu_count()} cores, {cpu}, {mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()}"


def one_account(work: Path, cases: int, seed: int) -> Path:
    """`cases` cases, half of them one business account's, each opened 2
    minutes after the one before and resolved 1-72 hours later; the
    account has one contact-count row (customer only) and one answer
    (customer only) per case: the shape that pairs every row with every
    case of the account when the joins by customer pair."""
    import datetime
    import random
    data = work / f"one-account-{cases}"
    if (data / "events.csv").exists():
        return data
    data.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    t0 = datetime.datetime(2024, 1, 1, 9, 0)
    with open(data / "events.csv", "w") as ev, open(data / "contacts.csv", "w") as cn, \
            open(data / "surveys.csv", "w") as sv:
        ev.write("case_id,customer_id,timestamp,event\n")
        cn.write("customer_id,date,contacts\n")
        sv.write("survey_id,customer_id,responded_at,score\n")
        for i in range(cases):
            customer = "BIG" if i % 2 == 0 else f"C{i}"
            opened = t0 + datetime.timedelta(minutes=2 * i)
            resolved = opened + datetime.timedelta(hours=rnd.randint(1, 72))
            ev.write(f"K{i},{customer},{opened:%Y-%m-%d %H:%M},contact_in\n")
            ev.write(f"K{i},{customer},{resolved:%Y-%m-%d %H:%M},resolved\n")
            if customer == "BIG":
                cn.write(f"BIG,{opened + datetime.timedelta(hours=5):%Y-%m-%d},1\n")
                answered = resolved + datetime.timedelta(hours=3)
                sv.write(f"S{i},BIG,{answered:%Y-%m-%d %H:%M},{rnd.randint(1, 5)}\n")
    return data


def bench_one_account(cxgap: Path, work: Path, scales: list, seed: int) -> int:
    print("| cases | on one account | journeys wall s | CPU s | peak MiB |")
    print("|---:|---:|---:|---:|---:|")
    for cases in scales:
        data = one_account(work, cases, seed)
        out = work / f"one-account-{cases}.parquet"
        t = timed([cxgap, "journeys", data, "--out", out, "--force"])
        print(f"| {cases:,} | {cases // 2:,} | {t['wall_s']:.2f} | {t['cpu_s']:.2f} "
              f"| {t['peak_rss_mib']:,.0f} |", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="100000,300000,1000000", help="case counts, comma-separated")
    ap.add_argument("--formats", default="csv,parquet", help="input formats: csv, parquet")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cxgap", type=Path, help="the binary to time (default: cargo build --locked)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cxgap-bench",
                    help="where sample data and reports go (data is reused between runs)")
    ap.add_argument("--fresh", action="store_true",
                    help="regenerate the sample data even if a previous run left it")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per engine and size; the median run is reported")
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    ap.add_argument("--one-account", metavar="CASES",
                    help="instead: time `cxgap journeys` on CASES cases (comma-separated), half of "
                         "them one customer's, with a count row and an answer by customer per case")
    args = ap.parse_args()
    if args.one_account:
        cxgap = args.cxgap or build_cxgap()
        args.work.mkdir(parents=True, exist_ok=True)
        return bench_one_account(cxgap, args.work, [int(s) for s in args.one_account.split(",")],
                                 args.seed)

    try:
        import duckdb
    except ImportError:
        sys.exit("bench: the peer engine is missing: pip install -r benches/requirements.txt")
    cxgap = args.cxgap or build_cxgap()
    args.work.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    formats = args.formats.split(",")

    print(f"machine: {machine()}")
    print(f"cxgap: {cxgap}; duckdb {duckdb.__version__}\n")
    print("| input | cases | events | surveys | contact rows | cxgap wall s | cxgap CPU s | cxgap peak MiB "
          "| duckdb wall s | duckdb CPU s | duckdb peak MiB | cxgap/duckdb | cxgap s per 1M cases |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results, failed = [], False
    for fmt in formats:
        for cases in scales:
            data = generate(cxgap, args.work, fmt, cases, args.seed, args.fresh)
            report = args.work / f"report-{fmt}-{cases}"
            ours, stages = median_run(args.repeat, lambda: cxgap_run(cxgap, data, report))
            peer_out = args.work / f"duckdb-{fmt}-{cases}"
            peer, peer_result = median_run(args.repeat, lambda: peer_run(data, peer_out))
            problems = compare(report, peer_result)
            failed |= bool(problems)
            size = rows(data)
            ratio = ours["wall_s"] / peer["wall_s"]
            print(f"| {fmt} | {cases:,} | {size['events']:,} | {size['surveys']:,} | {size['contacts']:,} "
                  f"| {ours['wall_s']:.1f} | {ours['cpu_s']:.1f} | {ours['peak_rss_mib']:,.0f} "
                  f"| {peer['wall_s']:.1f} | {peer['cpu_s']:.1f} | {peer['peak_rss_mib']:,.0f} "
                  f"| {ratio:.2f} | {ours['wall_s'] / cases * 1e6:.1f} |", flush=True)
            results.append({
                "format": fmt, "cases": cases, "rows": size, "cxgap": ours,
                "cxgap_stages_s": stages, "duckdb": peer,
                "duckdb_stages_s": peer_result["timings"], "ratio": ratio,
                "agree": not problems, "disagreements": problems,
            })
    print("\nper-stage seconds (cxgap report | duckdb):")
    for r in results:
        ours = ", ".join(f"{k} {v:.1f}" for k, v in r["cxgap_stages_s"].items())
        theirs = ", ".join(f"{k} {v:.1f}" for k, v in r["duckdb_stages_s"].items())
        print(f"  {r['format']} {r['cases']:,}: {ours} | {theirs}")
    print()
    for r in results:
        verdict = "agree" if r["agree"] else "DISAGREE: " + "; ".join(r["disagreements"])
        print(f"figures {r['format']} {r['cases']:,}: cxgap and duckdb {verdict}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
