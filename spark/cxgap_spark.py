#!/usr/bin/env python3
"""Build cxgap journeys on Apache Spark with cxgap's own engine.

Spark only moves rows; every journey rule runs in the cxgap binary on the
executors, so a report from the cluster is the report of one machine:

1. keys:   the event lines are grouped by case and handed to
           `cxgap journeys --format keys`, which validates them and says
           each case's partition key (its first customer, else the case)
           and latest event time. The latest of those is the run's as_of.
2. route:  every line of every input goes to its customer's part: events
           and rows naming a known case with their case's key, rows keyed
           only by customer with that customer, the rest to part 0 (the
           routing of `cxgap --partitions`).
3. build:  each part's lines, with their original line numbers, are written
           to a staging folder and built by
           `cxgap journeys --format dataset --part K/N --routed`.
4. report: `cxgap report --journeys OUT` reads the parts as one run.

Inputs are CSV files with one header row and one line per record (the
common export) or Parquet files; name the case_id and customer_id columns
in cxgap.toml's `[<input>.columns]` unless they carry those names. See
docs/spark.md.

    spark-submit --files cxgap,cxgap.toml spark/cxgap_spark.py \\
        --config cxgap.toml --events s3://lake/events.csv \\
        --surveys s3://lake/surveys.csv --contacts s3://lake/contacts.csv \\
        --parts 64 --staging /dbfs/tmp/cxgap-staging --out /dbfs/cxgap/journeys
"""

import argparse
import csv
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zlib

from pyspark import SparkFiles
from pyspark.sql import SparkSession

LINE = "_cxgap_line"
INPUTS = ("events", "surveys", "contacts")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", required=True, help="cxgap.toml (shipped with --files on a cluster)")
    p.add_argument("--events", required=True, help="the event log: any path Spark reads")
    p.add_argument("--surveys", help="survey responses")
    p.add_argument("--contacts", help="contact counts")
    p.add_argument("--parts", type=int, required=True, help="customer partitions (each needs rows of every input)")
    p.add_argument("--out", required=True, help="folder for the journeys dataset, one subfolder per part")
    p.add_argument("--staging", required=True,
                   help="scratch folder every executor can read and write (local disk in local mode, "
                        "a shared mount such as /dbfs or EFS on a cluster)")
    p.add_argument("--cxgap", help="the cxgap binary (default: shipped with --files, else on PATH)")
    p.add_argument("--report", help="also write the report here, on the driver")
    p.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    return p.parse_args(argv)


def shipped(name):
    """A file `--files` shipped to this machine, or None."""
    try:
        path = SparkFiles.get(name)
    except Exception:  # no SparkContext files in this process
        return None
    return path if os.path.exists(path) else None


def binary(path):
    """The cxgap binary on this machine (called in each task: a cluster
    ships it to another folder on every executor): as given when it is
    here, else shipped with --files, else on PATH."""
    if path and os.path.exists(path):
        return path
    found = shipped("cxgap")
    if found:
        os.chmod(found, 0o755)
        return found
    return path or shutil.which("cxgap") or "cxgap"


def config_file(path):
    """cxgap.toml on this machine: as given when it is here, else shipped."""
    if os.path.exists(path):
        return path
    return shipped(os.path.basename(path)) or path


def key_columns(config_path):
    """(delimiter, case column, customer column, id column) of each input,
    from cxgap.toml."""
    with open(config_path, "rb") as f:
        cfg = tomllib.load(f)
    out = {}
    for name in INPUTS:
        section = cfg.get(name, {})
        cols = section.get("columns", {})
        delim = section.get("delimiter", ",")
        delim = "\t" if delim in ("\\t", "tab") else delim
        out[name] = (delim, cols.get("case_id", "case_id"), cols.get("customer_id", "customer_id"),
                     cols.get("survey_id", "survey_id"))
    return out, cfg.get("as_of")


def part_of(key, parts):
    """A key's part: the same number on every machine and every run."""
    return zlib.crc32(key.encode("utf-8")) % parts


class CsvInput:
    """A CSV input as Spark reads it: its lines, numbered as cxgap numbers
    them (line 1 is the header), routed and written back as text, so cxgap
    parses every field itself."""

    def __init__(self, spark, name, path, delim, key_cols):
        self.name, self.delim = name, delim
        lines = spark.sparkContext.textFile(path).zipWithIndex().map(lambda t: (t[1] + 1, t[0]))
        self.header = lines.filter(lambda t: t[0] == 1).map(lambda t: t[1]).first()
        self.rows = lines.filter(lambda t: t[0] > 1)
        names = next(csv.reader([self.header], delimiter=delim))
        at = [names.index(c) if c in names else None for c in key_cols]

        def keys(text):
            try:
                fields = next(csv.reader([text], delimiter=delim))
            except (csv.Error, StopIteration):
                return tuple("" for _ in at)
            return tuple(fields[i].strip() if i is not None and i < len(fields) else "" for i in at)

        self.keys = keys

    def write(self, parted, folder, parts):
        """Each part's rows into `folder/part-K/<name>.csv`; rows per part."""
        header, delim, name = self.header, self.delim, self.name

        def write_part(k, rows):
            rows = [row for _, row in rows]
            os.makedirs(os.path.join(folder, "part-{:05d}".format(k)), exist_ok=True)
            write_lines(os.path.join(folder, "part-{:05d}".format(k), name + ".csv"), header, delim, rows)
            return [(k, len(rows))]

        return dict(parted.partitionBy(parts, lambda k: k).mapPartitionsWithIndex(write_part).collect())

    def file(self, folder, k):
        return os.path.join(folder, "part-{:05d}".format(k), self.name + ".csv")


class ParquetInput:
    """A Parquet input: its rows, numbered as cxgap numbers them (from 1, in
    file order), routed and written back by Spark with their types."""

    def __init__(self, spark, name, path, key_cols):
        self.spark, self.name = spark, name
        df = spark.read.parquet(path)
        self.schema = df.schema
        self.rows = df.rdd.zipWithIndex().map(lambda t: (t[1] + 1, t[0]))
        names = df.schema.fieldNames()
        at = [names.index(c) if c in names else None for c in key_cols]
        text = lambda v: "" if v is None else str(v).strip()
        self.keys = lambda row: tuple(text(row[i]) if i is not None else "" for i in at)

    def write(self, parted, folder, parts):
        """Each part's rows, in line order, into one Parquet file under
        `folder/<name>/__part=K`; rows per part."""
        from pyspark.sql.types import IntegerType, LongType, StructField, StructType

        schema = StructType(list(self.schema.fields) + [
            StructField(LINE, LongType(), False), StructField("__part", IntegerType(), False)])
        rows = parted.map(lambda t: tuple(t[1][1]) + (t[1][0], t[0]))
        df = self.spark.createDataFrame(rows, schema)
        # Sorted by part first: the writer keeps an order that starts with
        # its partition column, and would otherwise re-sort and lose the
        # line order (ties in time and first answers depend on it).
        (df.repartition(parts, "__part").sortWithinPartitions("__part", LINE)
           .write.mode("overwrite").partitionBy("__part").parquet(os.path.join(folder, self.name)))
        return dict(df.groupBy("__part").count().collect())

    def file(self, folder, k):
        """Part K's file, moved out of Spark's `__part=K` folder (a reader
        would take the folder name for a column)."""
        plain = os.path.join(folder, "{}-part-{:05d}.parquet".format(self.name, k))
        if not os.path.exists(plain):
            found = glob.glob(os.path.join(folder, self.name, "__part={}".format(k), "*.parquet"))
            if len(found) != 1:
                raise RuntimeError("{}: expected one Parquet file for part {}, found {}".format(
                    self.name, k, found))
            os.replace(found[0], plain)
        return plain


def open_input(spark, name, path, columns):
    delim, case_col, customer_col, id_col = columns[name]
    key_cols = (case_col, customer_col, id_col)
    if path.rstrip("/").lower().endswith(".parquet"):
        return ParquetInput(spark, name, path, key_cols)
    return CsvInput(spark, name, path, delim, key_cols)


def write_lines(path, header, delim, rows):
    """The part's lines in original order, each with its line number."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header + delim + LINE + "\n")
        for line_no, text in sorted(rows):
            f.write(text + delim + str(line_no) + "\n")


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("{} failed ({}):\n{}".format(" ".join(cmd), done.returncode, done.stderr))
    return done.stdout


def case_keys(sc, cxgap, config, events, staging, parts):
    # `cxgap` and `config` are resolved in each task (`binary`, `config_file`).
    """Stage 1: cxgap's own validation and timeline decide each case's key.
    The events go to parts by case, each part to `journeys --format keys`."""
    folder = os.path.join(staging, "keys")
    keys_of_row = events.keys
    by_case = events.rows.map(lambda r: (part_of(keys_of_row(r[1])[0], parts), r))
    counts = events.write(by_case, folder, parts)
    # Found on the driver: the tasks carry paths, not the inputs' RDDs.
    files = [events.file(folder, k) for k in range(parts) if counts.get(k)]

    def keys_of(path):
        # The staging folder holds no input of the user's for cxgap to find.
        out = run([binary(cxgap), "journeys", staging, "--config", config_file(config),
                   "--events", path, "--format", "keys", "--out", "-", "--quiet"])
        return [tuple(r) for r in list(csv.reader(out.splitlines()))[1:]]

    return sc.parallelize(files, max(len(files), 1)).flatMap(keys_of)


def main(argv):
    args = parse_args(argv)
    builder = (SparkSession.builder.appName("cxgap journeys")
               .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS"))
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    cxgap = args.cxgap
    config = os.path.abspath(args.config)
    columns, configured_as_of = key_columns(config)
    n = args.parts

    paths = {"events": args.events, "surveys": args.surveys, "contacts": args.contacts}
    inputs = {k: open_input(spark, k, p, columns) for k, p in paths.items() if p}
    os.makedirs(args.staging, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="cxgap-", dir=args.staging)

    # 1. keys and as_of, from the events grouped by case.
    keys = case_keys(sc, cxgap, config, inputs["events"], staging, n).cache()
    if keys.isEmpty():
        sys.exit("cxgap_spark: no usable case in the events")

    as_of = as_of_source = None
    if configured_as_of is None:
        # The latest event, and of several at that time the first in case
        # order: the one a single run names.
        ms, _case, line = keys.map(lambda k: (-int(k[2]), k[0], int(k[3]))).min()
        ms = -ms
        as_of = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        as_of = as_of.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        as_of_source = "the latest event timestamp ({} line {})".format(
            os.path.basename(args.events.rstrip("/")), line)
    case_key = keys.map(lambda k: (k[0], k[1]))

    # 2. every line to its part.
    def routed(name):
        keys_of = inputs[name].keys
        keyed = inputs[name].rows.map(lambda r: (keys_of(r[1]), r)).map(
            lambda t: (t[0][0], (t[0][1], t[0][2], t[1])))
        joined = keyed.leftOuterJoin(case_key)

        def part(item):
            _case, ((customer, survey_id, row), key) = item
            key = key or customer or None
            return (part_of(key, n) if key else 0, survey_id, row)

        parted = joined.map(part)
        if name == "surveys":
            # A survey id seen twice is a duplicate after its first row
            # (SPEC 1.2): every row of the id goes where its first row goes,
            # so one cxgap sees them all and rejects the later ones.
            first = (parted.filter(lambda t: t[1])
                     .map(lambda t: (t[1], (t[2][0], t[0])))
                     .reduceByKey(min))
            parted = (parted.map(lambda t: (t[1], (t[0], t[2])))
                      .leftOuterJoin(first)
                      .map(lambda kv: ((kv[1][1][1] if kv[0] and kv[1][1] else kv[1][0][0]), None,
                                       kv[1][0][1])))
        return parted.map(lambda t: (t[0], t[2]))

    parts_folder = os.path.join(staging, "parts")
    for name, source in inputs.items():
        counts = source.write(routed(name), parts_folder, n)
        empty = [k for k in range(n) if not counts.get(k)]
        if empty:
            sys.exit("cxgap_spark: part(s) {} got no {} rows: use fewer --parts".format(empty, name))

    # 3. each part built by cxgap, into OUT/part-K-of-N.
    out = os.path.abspath(args.out)
    files = {name: [source.file(parts_folder, k) for k in range(n)] for name, source in inputs.items()}

    def build(k):
        cmd = [binary(cxgap), "journeys", staging, "--config", config_file(config), "--format", "dataset",
               "--part", "{}/{}".format(k, n), "--routed", "--out", out, "--quiet"]
        for name, paths_of_part in files.items():
            cmd += ["--" + name, paths_of_part[k]]
        if as_of:
            cmd += ["--as-of", as_of]
        run(cmd)
        return k

    built = sc.parallelize(range(n), n).map(build).collect()
    shutil.rmtree(staging, ignore_errors=True)
    # The manifests name the staging files and `--as-of`; a one-machine run
    # names the inputs and where its as_of came from. Say what was built from.
    for k in built:
        manifest = os.path.join(out, "part-{:05d}-of-{:05d}".format(k, n), "manifest.json")
        with open(manifest, encoding="utf-8") as f:
            m = json.load(f)
        for stats in m["inputs"]:
            stats["path"] = paths[stats["input"]]
        if as_of_source:
            m["as_of_source"] = as_of_source
        with open(manifest, "w", encoding="utf-8") as f:
            f.write(json.dumps(m, indent=2) + "\n")
    print("cxgap_spark: built {} parts into {} (as of {})".format(len(built), out, as_of or "cxgap.toml's as_of"))

    # 4. the report, from the parts.
    report = [binary(cxgap), "report", os.path.dirname(config), "--config", config, "--journeys", out]
    if args.report:
        subprocess.run(report + ["--out", args.report], check=True)
    else:
        print("cxgap_spark: now run\n  " + " ".join(report + ["--out", "REPORT_DIR"]))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
