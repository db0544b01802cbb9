#!/usr/bin/env python3
"""Build cxgap journeys on Apache Spark with cxgap's own engine.

Spark moves the rows, in the JVM; every journey rule runs in the cxgap
binary on the executors, so a report from the cluster is the report of one
machine:

1. number: each input's rows get their line in the original file (the
           header is line 1), computed from Spark's own partition ids.
2. keys:   the event rows go to parts by case; each part's rows are handed
           through Arrow (`mapInArrow`) to `cxgap journeys --format keys`,
           which validates them and says each case's partition key (its
           first customer, else the case) and latest event. The latest of
           those is the run's as_of.
3. route:  DataFrame joins give every row its customer's part: events and
           rows naming a known case with their case's key, rows keyed only
           by customer with that customer, the rest to part 0 (the routing
           of `cxgap --partitions`); every row of a survey id goes where its
           first row goes.
4. build:  the inputs, unioned, are repartitioned by part and each part's
           rows handed through Arrow to one
           `cxgap journeys --format dataset --part K/N --routed` on the
           executor, from files on its local disk.
5. report: `cxgap report --journeys OUT` reads the parts as one run.

No Python code runs per row: rows reach Python only as Arrow batches, which
are written to the part's files whole. Inputs are CSV with one header row
and one line per record, Qualtrics CSV exports (three header rows), NDJSON
(one object per line) or Parquet; name the case_id and customer_id columns
in cxgap.toml's `[<input>.columns]` unless they carry those names. See
docs/spark.md.

    spark-submit --files cxgap,cxgap.toml spark/cxgap_spark.py \\
        --config cxgap.toml --events s3://lake/events.csv \\
        --surveys s3://lake/surveys.csv --contacts s3://lake/contacts.csv \\
        --parts 64 --out /dbfs/cxgap/journeys
"""

import argparse
import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

LINE = "_cxgap_line"  # the row's line in the original file, as cxgap reads it
PART = "__part"
INPUT = "__input"
INPUTS = ("events", "surveys", "contacts")
NO_ROWS = "cxgap_spark, no rows: "  # marks the error of a part without rows of an input
KEYS_SCHEMA = "case_id string, key string, last_event_ms long, last_event_line long"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", required=True, help="cxgap.toml (shipped with --files on a cluster)")
    p.add_argument("--events", required=True, help="the event log: any path Spark reads")
    p.add_argument("--surveys", help="survey responses")
    p.add_argument("--contacts", help="contact counts")
    p.add_argument("--parts", type=int, required=True, help="customer partitions (each needs rows of every input)")
    p.add_argument("--out", required=True,
                   help="folder for the journeys dataset, one subfolder per part: every executor "
                        "writes there and the driver reads it (a shared mount on a cluster)")
    p.add_argument("--staging", help="scratch folder on each executor's local disk (default: its temp dir)")
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
    """(delimiter, case column, customer column, survey id column) of each
    input, from cxgap.toml, and its `as_of`."""
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


START = time.monotonic()


def say(what):
    """A step done, with the seconds since the start, on standard error."""
    print("cxgap_spark: {} ({:.1f} s)".format(what, time.monotonic() - START), file=sys.stderr)


def run(cmd):
    done = subprocess.run(cmd, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError("{} failed ({}):\n{}".format(
            " ".join(cmd), done.returncode, done.stderr.decode("utf-8", "replace")))
    return done.stdout


# -- 1. number ---------------------------------------------------------------

def numbered(spark, df, first):
    """`df` with LINE: its rows numbered from `first` in file order. A file
    scan's partitions hold consecutive rows in order; Spark's row ids are
    the partition id and the position within it, so the count of rows in
    the partitions before each one turns them into line numbers."""
    df = (df.withColumn("__pid", F.spark_partition_id())
            .withColumn("__mid", F.monotonically_increasing_id()))
    stats = sorted(tuple(r) for r in df.groupBy("__pid").agg(
        F.count(F.lit(1)), F.min("__mid")).collect())
    shifts, before = [], 0
    for pid, n, low in stats:
        shifts.append((pid, first + before - low))
        before += n
    shift = spark.createDataFrame(shifts, "__pid int, __shift long")
    return (df.join(F.broadcast(shift), "__pid")
              .withColumn(LINE, F.col("__mid") + F.col("__shift"))
              .drop("__pid", "__mid", "__shift"))


def trimmed(c):
    """A key field with the whitespace around it removed, empty as null."""
    c = F.regexp_replace(c, r"^\s+|\s+$", "")
    return F.when(c != "", c)


class Layout:
    """How an input's rows are written for cxgap: its name, format, the
    lines written before the rows (text formats) and its own column names
    (Parquet). What executors need of an input, without its DataFrame."""

    def __init__(self, name, kind, header=(), columns=()):
        self.name, self.kind = name, kind
        self.header, self.columns = list(header), list(columns)

    def payload(self):
        """The columns cxgap reads: for text formats one column
        `<name>::text`, the record as written (with its line number), else
        the input's own columns, `<name>::<col>`."""
        if self.kind == "parquet":
            return ["{}::{}".format(self.name, c) for c in self.columns]
        return ["{}::text".format(self.name)]


class Input:
    """One input as rows in Spark: LINE, the keys routing reads (`__case`,
    `__customer`, `__survey`) and the payload of its layout."""

    def __init__(self, layout, df):
        self.layout, self.df = layout, df
        self.name = layout.name

    def payload(self):
        return self.layout.payload()


def text_input(spark, name, path, delim, key_cols):
    """CSV (one header row, or a Qualtrics export's three) or NDJSON, read
    as lines: cxgap parses every field itself."""
    lines = spark.read.text(path)
    ndjson = path.rstrip("/").lower().endswith((".ndjson", ".jsonl", ".json"))
    if ndjson:
        rows = numbered(spark, lines, 1)
        keys = [F.get_json_object("value", "$['{}']".format(c)) for c in key_cols]
        # The line number joins the object as one more field.
        text = F.concat(F.regexp_replace("value", r"\}\s*$", ""),
                        F.lit(',"{}":'.format(LINE)), F.col(LINE).cast("string"), F.lit("}"))
        header = []
    else:
        first = [r.value for r in lines.limit(3).collect()]
        # Qualtrics: the third row holds {"ImportId": ...} objects.
        qualtrics = len(first) == 3 and any(
            c.lstrip().startswith('{"ImportId"') for c in next(csv.reader([first[2]], delimiter=delim)))
        header = first[:3] if qualtrics else first[:1]
        rows = numbered(spark, lines, 1).where(F.col(LINE) > len(header))
        # The header's names, read on the driver (one line).
        names = [v.lstrip("\ufeff").strip() for v in next(csv.reader([header[0]], delimiter=delim))]
        schema = ", ".join("`c{}` STRING".format(i) for i in range(len(names)))
        fields = F.from_csv("value", schema, {"sep": delim, "escape": '"', "mode": "PERMISSIVE"})
        keys = [fields["c{}".format(names.index(c))] if c in names else F.lit(None).cast("string")
                for c in key_cols]
        text = F.concat(F.col("value"), F.lit(delim), F.col(LINE).cast("string"))
        # The header rows get the line column too (empty below the names).
        header = [header[0] + delim + LINE] + [h + delim for h in header[1:]]
    df = rows.select(
        F.col(LINE), trimmed(keys[0]).alias("__case"), trimmed(keys[1]).alias("__customer"),
        trimmed(keys[2]).alias("__survey"), text.alias("{}::text".format(name)))
    return Input(Layout(name, "ndjson" if ndjson else "csv", header=header), df)


def parquet_input(spark, name, path, key_cols):
    """A Parquet file: its rows keep their types through Arrow."""
    df = numbered(spark, spark.read.parquet(path), 1)
    names = [c for c in df.columns if c != LINE]
    key = lambda c: trimmed(F.col("`{}`".format(c)).cast("string")) if c in names else F.lit(None)
    df = df.select(
        F.col(LINE), key(key_cols[0]).alias("__case"), key(key_cols[1]).alias("__customer"),
        key(key_cols[2]).alias("__survey"),
        *[F.col("`{}`".format(c)).alias("{}::{}".format(name, c)) for c in names])
    return Input(Layout(name, "parquet", columns=names), df)


def open_input(spark, name, path, columns):
    delim, case_col, customer_col, id_col = columns[name]
    key_cols = (case_col, customer_col, id_col)
    if path.rstrip("/").lower().endswith(".parquet"):
        return parquet_input(spark, name, path, key_cols)
    return text_input(spark, name, path, delim, key_cols)


# -- the part files, written from Arrow batches on an executor ----------------

class PartFiles:
    """The files of one part on the executor's local disk, one per input,
    written as batches arrive (sorted by part, input and line)."""

    def __init__(self, folder, inputs):
        self.folder, self.inputs = folder, inputs
        self.text, self.parquet, self.paths = {}, {}, {}

    def path(self, i):
        inp = self.inputs[i]
        ext = {"csv": "csv", "ndjson": "ndjson", "parquet": "parquet"}[inp.kind]
        return os.path.join(self.folder, "{}.{}".format(inp.name, ext))

    def add(self, i, rows):
        """Append `rows` (a RecordBatch slice of input i's rows)."""
        inp = self.inputs[i]
        self.paths[i] = self.path(i)
        if inp.kind == "parquet":
            table = pa.Table.from_batches([rows]).select(inp.payload() + [LINE])
            table = table.rename_columns(inp.columns + [LINE])
            if i not in self.parquet:
                self.parquet[i] = pq.ParquetWriter(self.paths[i], table.schema)
            self.parquet[i].write_table(table)
            return
        if i not in self.text:
            self.text[i] = open(self.paths[i], "wb")
            self.text[i].write("".join(h + "\n" for h in inp.header).encode("utf-8"))
        lines = rows.column(rows.schema.get_field_index(inp.payload()[0]))
        # All the slice's records joined by line breaks, in Arrow: one write.
        whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines), "\n")
        self.text[i].write(whole[0].as_buffer().to_pybytes() + b"\n")

    def close(self):
        for f in self.text.values():
            f.close()
        for w in self.parquet.values():
            w.close()
        return {self.inputs[i].name: p for i, p in self.paths.items()}


def by_part(inputs, scratch, each_part):
    """The mapInArrow function: the batches of a Spark partition, sorted by
    part, input and line, written part by part to local files; when a part
    is complete, `each_part(k, files)` runs cxgap on them and its record
    batches are passed on. One part's files are on disk at a time."""

    def fn(batches):
        if scratch:
            os.makedirs(scratch, exist_ok=True)
        current, files, folder = None, None, None

        def finish():
            paths = files.close()
            try:
                yield from each_part(current, paths, folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        for batch in batches:
            part = batch.column(batch.schema.get_field_index(PART)).to_numpy()
            which = batch.column(batch.schema.get_field_index(INPUT)).to_numpy()
            # Where the part or the input changes within the batch.
            cuts = np.flatnonzero((np.diff(part) != 0) | (np.diff(which) != 0)) + 1
            for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(part)]):
                if part[a] != current:
                    if files is not None:
                        yield from finish()
                    current = int(part[a])
                    folder = tempfile.mkdtemp(prefix="cxgap-part-", dir=scratch)
                    files = PartFiles(folder, inputs)
                files.add(int(which[a]), batch.slice(a, b - a))
        if files is not None:
            yield from finish()

    return fn


def to_parts(df, slots, n):
    """Each part's rows alone in one Spark partition, in input and line
    order (`slots`: see `slot_of`)."""
    return (df.withColumn("__slot", slots).repartition(n, "__slot").drop("__slot")
              .sortWithinPartitions(PART, INPUT, LINE))


def slot_of(spark, n):
    """For each part k, a value that hash partitioning into n places in
    partition k (Spark partitions by pmod(hash(value), n), the `hash`
    function's Murmur3): so part k's rows fill partition k alone, with no
    sampling pass and no two parts queued in one task."""
    found = dict(spark.range(0, 64 * n).select(
        F.pmod(F.hash("id"), F.lit(n)).alias("k"), F.col("id")).groupBy("k").agg(F.min("id")).collect())
    if len(found) < n:  # not seen for so few values: parts then share partitions
        return F.col(PART).cast("long")
    return F.create_map(*[F.lit(v) for k in range(n) for v in (k, found[k])])[F.col(PART)]


def part_of(key, n):
    """A key's part: crc32 of its UTF-8 bytes mod n, the same on every
    machine and every run (part 0 for no key)."""
    return F.when(key.isNotNull(), F.pmod(F.crc32(key.cast("binary")), F.lit(n))).otherwise(F.lit(0))


# -- 2. keys ------------------------------------------------------------------

def case_keys(events, n, slots, cxgap, config, scratch):
    """cxgap's own validation and timeline decide each case's key: the
    events go to parts by case, each part to `journeys --format keys`."""
    rows = events.df.select(part_of(F.col("__case"), n).alias(PART), F.lit(0).alias(INPUT),
                            F.col(LINE), *events.payload())

    def keys_of(k, files, folder):
        # The scratch folder holds no input of the user's for cxgap to find.
        out = run([binary(cxgap), "journeys", folder, "--config", config_file(config),
                   "--events", files["events"], "--format", "keys", "--out", "-", "--quiet"])
        table = pacsv.read_csv(io.BytesIO(out), convert_options=pacsv.ConvertOptions(
            column_types={"case_id": pa.string(), "key": pa.string(),
                          "last_event_ms": pa.int64(), "last_event_line": pa.int64()},
            strings_can_be_null=False))
        yield from table.to_batches()

    return to_parts(rows, slots, n).mapInArrow(by_part([events.layout], scratch, keys_of), KEYS_SCHEMA)


# -- 3. route -----------------------------------------------------------------

def routed(inp, index, case_key, n):
    """Input `inp`'s rows with their part: the case's key, else the
    customer, else part 0; a survey id's rows where its first row goes."""
    df = inp.df.join(case_key, on="__case", how="left")
    key = F.coalesce(F.when(F.col("__key") != "", F.col("__key")), F.col("__customer"))
    df = df.withColumn(PART, part_of(key, n))
    if inp.name == "surveys":
        # A survey id seen twice is a duplicate after its first row (SPEC
        # 1.2): every row of the id goes where its first row goes, so one
        # cxgap sees them all and rejects the later ones.
        first = F.first(PART).over(Window.partitionBy("__survey").orderBy(LINE))
        df = df.withColumn(PART, F.when(F.col("__survey").isNotNull(), first).otherwise(F.col(PART)))
    return df.select(F.col(PART), F.lit(index).alias(INPUT), F.col(LINE), *inp.payload())


# -- 4. build, and the run ------------------------------------------------------

def main(argv):
    args = parse_args(argv)
    builder = (SparkSession.builder.appName("cxgap journeys")
               # Timestamps cross Arrow in UTC, as cxgap reads them.
               .config("spark.sql.session.timeZone", "UTC"))
    if args.master:
        builder = builder.master(args.master)
        # Run here: the Python workers are this interpreter, with pyarrow,
        # and a join's shuffle has one partition per core, not 200.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
    spark = builder.getOrCreate()
    cxgap, scratch = args.cxgap, args.staging and os.path.abspath(args.staging)
    config = os.path.abspath(args.config)
    columns, configured_as_of = key_columns(config)
    n = args.parts

    paths = {"events": args.events, "surveys": args.surveys, "contacts": args.contacts}
    inputs = [open_input(spark, k, p, columns) for k, p in paths.items() if p]
    say("numbered the rows of {}".format(", ".join(i.name for i in inputs)))

    # 2. keys and as_of, from the events grouped by case.
    slots = slot_of(spark, n)
    keys = case_keys(inputs[0], n, slots, cxgap, config, scratch).persist(StorageLevel.MEMORY_AND_DISK)
    latest = keys.orderBy(F.desc("last_event_ms"), "case_id").first()
    if latest is None:
        sys.exit("cxgap_spark: no usable case in the events")
    as_of = as_of_source = None
    if configured_as_of is None:
        # The latest event, and of several at that time the first in case
        # order: the one a single run names.
        as_of = datetime.datetime.fromtimestamp(latest.last_event_ms / 1000, datetime.timezone.utc)
        as_of = as_of.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        as_of_source = "the latest event timestamp ({} line {})".format(
            os.path.basename(args.events.rstrip("/")), latest.last_event_line)
    case_key = keys.select(F.col("case_id").alias("__case"), F.col("key").alias("__key"))
    say("keyed the cases")

    # 3. every row to its part.
    rows = None
    for i, inp in enumerate(inputs):
        r = routed(inp, i, case_key, n)
        rows = r if rows is None else rows.unionByName(r, allowMissingColumns=True)

    # 4. each part built by cxgap on an executor, into OUT/part-K-of-N;
    # each part needs rows of every input.
    out = os.path.abspath(args.out)
    names = [i.name for i in inputs]

    def build(k, files, folder):
        missing = [name for name in names if name not in files]
        if missing:
            raise RuntimeError("{}part {} got no {} rows: use fewer --parts".format(NO_ROWS, k, missing[0]))
        cmd = [binary(cxgap), "journeys", folder, "--config", config_file(config), "--format", "dataset",
               "--part", "{}/{}".format(k, n), "--routed", "--out", out, "--quiet"]
        for name, path in files.items():
            cmd += ["--" + name, path]
        if as_of:
            # The run's as_of, not a snapshot: later rows stay (SPEC 2).
            cmd += ["--run-latest-event", as_of]
        run(cmd)
        yield pa.RecordBatch.from_pydict({"part": pa.array([k], pa.int32())})

    try:
        built = sorted(r.part for r in to_parts(rows, slots, n).mapInArrow(
            by_part([i.layout for i in inputs], scratch, build), "part int").collect())
    except Exception as e:  # a task's error arrives wrapped in Spark's
        said = str(e)
        if NO_ROWS not in said:
            raise
        sys.exit("cxgap_spark: " + said.split(NO_ROWS, 1)[1].splitlines()[0])
    say("routed and built the parts")
    if built != list(range(n)):
        sys.exit("cxgap_spark: built parts {}, expected 0 to {}".format(built, n - 1))
    # The manifests name the part files and `--as-of`; a one-machine run
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

    # 5. the report, from the parts.
    report = [binary(cxgap), "report", os.path.dirname(config), "--config", config, "--journeys", out]
    if args.report:
        subprocess.run(report + ["--out", args.report], check=True)
    else:
        print("cxgap_spark: now run\n  " + " ".join(report + ["--out", "REPORT_DIR"]))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
