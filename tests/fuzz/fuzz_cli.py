"""Mutation fuzzer for the bideval command line (a script, not a pytest module).

Each case copies a bundled sample (NIPA GPU or KR negotiated) into a temporary folder,
applies ONE random mutation to one input file (the rubric, a bid, a score file, a
`--catalog` copy of the built-in GPU catalog, or a results.json written by `evaluate`),
then runs the commands in-process with typer's CliRunner and flags every run that

- exits with a code other than 0 or 1, or raised an exception (not SystemExit),
- prints "Traceback",
- exits 1 but left files in its output folder (or wrote the target file),
- exits 1 without a `file:line:col:` error naming the mutated file (reported as
  "unnamed"; a cross-file consequence can be legitimate, so review these),
- takes longer than the time limit (a hang).

Usage:
    .venv/bin/python tests/fuzz/fuzz_cli.py --seed 1 --cases 200 [--pdf-share 0.05]
        [--failures fuzz-failures] [--only rubric,bid,scores,catalog,results] [--stop-after N]

Every failing case is saved under the failures folder (inputs as mutated, plus repro.txt
with the mutation and the command line) for reproduction with the real `bideval`.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner

from bideval.cli import app

SAMPLES = {
    "nipa": ("rubrics/nipa-gpu-2025.yaml", "sample_bids/nipa-gpu-2025"),
    "kr": ("rubrics/kr-negotiated-80-20.yaml", "sample_bids/kr-negotiated-80-20"),
}
CATALOG = ROOT / "bideval/catalog/gpus.yaml"
TIME_LIMIT = 60  # seconds per command


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"command took longer than {TIME_LIMIT} s")


# ----------------------------------------------------------------------------- mutations

WEIRD_STRINGS = [
    "", " ", "   x  ", "\t", "../../etc/passwd", "/tmp/x", "..\\x", "UPPER-Case", "has space", "a" * 5000,
    "x" * 300, "\u200b", "\u202eevil", "😀", "𝔘𝔫𝔦", "\u0301", "한글 아이디", "NaN", "inf", "-", "0", "1e9",
    "null", "true", "NO", "2025-13-45", "=HYPERLINK(\"http://x\")", "<script>x</script>", "{{ 7*7 }}",
    "\x1b[31mred", "a\nb", "a\rb", "\ufeff", "\x7f", "-" * 3, "'", '"', "#", "&a", "*a", "!tag", "%",
]
WEIRD_NUMBERS = [0, -1, -0.0, 1e18, 10**30, 1e-12, 0.1234567890123456789, 123456789.000000001, 10**18, 10**19 - 1,
                 10**19, -(10**20), 1e308, 1e-300, 0.5, 7, 1.5, 100, 101, 3.14159265358979, 2**63, 2**64, -(2**63)]
SCALAR_KINDS = ("number", "text", "list", "mapping", "null", "bool", "date")


def type_swap(value, rng: random.Random):
    kind = rng.choice(SCALAR_KINDS)
    return kind, {
        "number": lambda: rng.choice(WEIRD_NUMBERS),
        "text": lambda: str(value) if not isinstance(value, (dict, list)) else "text",
        "list": lambda: [value] if not isinstance(value, list) else [],
        "mapping": lambda: {"x": value} if not isinstance(value, dict) else {},
        "null": lambda: None,
        "bool": lambda: rng.choice([True, False]),
        "date": lambda: rng.choice([dt.date(2025, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
    }[kind]()


def walk(node, path=()):
    """Every (path, value) in the tree, the root included."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (i,))


def get_at(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def set_at(tree, path, value):
    get_at(tree, path[:-1])[path[-1]] = value


def structural_mutation(data, rng: random.Random):
    """Mutate a parsed tree in place (or return a new root); return (root, description)."""
    nodes = list(walk(data))
    leaves = [(p, v) for p, v in nodes if p and not isinstance(v, (dict, list))]
    containers = [(p, v) for p, v in nodes if isinstance(v, (dict, list)) and v]
    numbers = [(p, v) for p, v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)]
    texts = [(p, v) for p, v in leaves if isinstance(v, str)]
    keyed = [(p, v) for p, v in nodes if p and isinstance(p[-1], str)]
    ops = ["delete_key", "type_swap", "number", "string", "reorder", "dup_item", "empty_container", "id_string",
           "rename_key", "add_key"]
    op = rng.choice(ops)
    if op == "delete_key" and keyed:
        p, _ = rng.choice(keyed)
        del get_at(data, p[:-1])[p[-1]]
        return data, f"delete key {fmt_path(p)}"
    if op == "type_swap" and len(nodes) > 1:
        p, v = rng.choice(nodes[1:])
        kind, new = type_swap(v, rng)
        set_at(data, p, new)
        return data, f"type swap {fmt_path(p)} -> {kind} {short(new)}"
    if op == "number" and numbers:
        p, v = rng.choice(numbers)
        new = rng.choice(WEIRD_NUMBERS + [-v if v else -5, v * 10**rng.randint(1, 25), round(v + 0.123456789, 9)])
        set_at(data, p, new)
        return data, f"number {fmt_path(p)}: {short(v)} -> {short(new)}"
    if op in ("string", "id_string") and texts:
        ids = [(p, v) for p, v in texts if p[-1] in ("id", "gpu", "evaluator") or str(p[-1]).endswith("id")]
        pool = ids if op == "id_string" and ids else texts
        p, v = rng.choice(pool)
        new = rng.choice(WEIRD_STRINGS + [v.upper(), v + " ", " " + v, v + "/../x", v * 50, v[: len(v) // 2]])
        set_at(data, p, new)
        return data, f"string {fmt_path(p)}: {short(v)} -> {short(new)}"
    if op == "reorder" and containers:
        p, v = rng.choice(containers)
        if isinstance(v, list):
            rng.shuffle(v)
        else:
            items = list(v.items())
            rng.shuffle(items)
            v.clear()
            v.update(items)
        return data, f"reorder {fmt_path(p)}"
    if op == "dup_item":
        lists = [(p, v) for p, v in containers if isinstance(v, list)]
        if lists:
            p, v = rng.choice(lists)
            i = rng.randrange(len(v))
            v.insert(i, copy.deepcopy(v[i]))
            return data, f"duplicate list item {fmt_path(p + (i,))}"
    if op == "empty_container" and containers:
        p, v = rng.choice(containers)
        new = [] if rng.random() < 0.5 else {}
        if p:
            set_at(data, p, new)
        else:
            data = new
        return data, f"empty container {fmt_path(p)} -> {short(new)}"
    if op == "rename_key" and keyed:
        p, v = rng.choice(keyed)
        parent = get_at(data, p[:-1])
        new_key = rng.choice([p[-1].upper(), p[-1] + " ", "", "unknown_key", p[-1].replace("_", "-"), "../x"])
        items = [(new_key if k == p[-1] else k, val) for k, val in parent.items()]
        parent.clear()
        parent.update(items)
        return data, f"rename key {fmt_path(p)} -> {short(new_key)}"
    if op == "add_key":
        dicts = [(p, v) for p, v in nodes if isinstance(v, dict)]
        if dicts:
            p, v = rng.choice(dicts)
            key, val = rng.choice([("extra", 1), ("id", "x"), ("points", 5), ("children", []), ("facts", {"a": 1}),
                                    ("label", {"ko": "x"}), ("conflicts", ["alpha-soft"]), ("method", "judged")])
            v[key] = val
            return data, f"add key {fmt_path(p + (key,))} = {short(val)}"
    # fallback: always do something
    p, v = rng.choice(nodes[1:]) if len(nodes) > 1 else ((), data)
    kind, new = type_swap(v, rng)
    if p:
        set_at(data, p, new)
    else:
        data = new
    return data, f"type swap {fmt_path(p)} -> {kind} {short(new)}"


def text_mutation(raw: bytes, rng: random.Random):
    lines = raw.split(b"\n")
    op = rng.choice(["truncate", "delete_line", "dup_line", "flip_byte", "insert_tab", "indent", "dup_key_line",
                     "swap_lines"])
    if op == "truncate":
        n = rng.randrange(len(raw) + 1)
        return raw[:n], f"truncate at byte {n}"
    if op == "flip_byte" and raw:
        i = rng.randrange(len(raw))
        b = bytearray(raw)
        b[i] ^= 1 << rng.randrange(8)
        return bytes(b), f"flip a bit of byte {i}"
    i = rng.randrange(len(lines))
    if op == "delete_line":
        del lines[i]
        return b"\n".join(lines), f"delete line {i + 1}"
    if op == "dup_line":
        lines.insert(i, lines[i])
        return b"\n".join(lines), f"duplicate line {i + 1}"
    if op == "insert_tab":
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + b"\t" + lines[i][pos:]
        return b"\n".join(lines), f"insert tab at line {i + 1} col {pos + 1}"
    if op == "indent":
        delta = rng.choice([-2, -1, 1, 2, 4])
        if delta > 0:
            lines[i] = b" " * delta + lines[i]
        else:
            lines[i] = lines[i][min(-delta, len(lines[i]) - len(lines[i].lstrip(b" "))):]
        return b"\n".join(lines), f"indent line {i + 1} by {delta}"
    if op == "swap_lines" and len(lines) > 1:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines), f"swap lines {i + 1} and {j + 1}"
    # dup_key_line: copy a `key: value` line as a sibling (a duplicate key)
    candidates = [k for k, line in enumerate(lines) if re.match(rb"^\s*(- )?[\w.-]+:\s*\S", line)]
    if not candidates:
        return raw + b"\n", "append newline"
    k = rng.choice(candidates)
    line = lines[k]
    m = re.match(rb"^(\s*)- ", line)
    copy_line = (m.group(1) + b"  " + line[m.end():]) if m else line
    lines.insert(k + 1, copy_line)
    return b"\n".join(lines), f"duplicate key line {k + 1}: {line.strip()[:60]!r}"


class _Dumper(yaml.SafeDumper):
    pass


def dump(data, is_json: bool) -> bytes:
    if is_json:
        return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6).encode("utf-8")


def mutate_file(path: Path, rng: random.Random) -> str:
    raw = path.read_bytes()
    is_json = path.suffix == ".json"
    if rng.random() < 0.65:
        data = json.loads(raw) if is_json else yaml.safe_load(raw)
        data, what = structural_mutation(data, rng)
        path.write_bytes(dump(data, is_json))
        return f"structural: {what}"
    new, what = text_mutation(raw, rng)
    path.write_bytes(new)
    return f"text: {what}"


def fmt_path(p) -> str:
    return "/".join(str(x) for x in p) or "<root>"


def short(v, n=50) -> str:
    s = repr(v)
    return s if len(s) <= n else s[:n] + f"…({len(s)} chars)"


# ----------------------------------------------------------------------------- running

RUNNER = CliRunner()


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def run(args: list[str], out_path: Path | None):
    before = set(files_under(out_path)) if out_path is not None and out_path.is_dir() else set()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    t0 = time.monotonic()
    try:
        result = RUNNER.invoke(app, args, catch_exceptions=True)
    finally:
        signal.alarm(0)
    elapsed = time.monotonic() - t0
    problems = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else repr(result.exception)
        problems.append(("exception", f"{type(result.exception).__name__}: {result.exception}", tb))
    elif result.exit_code not in (0, 1):
        problems.append(("exit-code", f"exit code {result.exit_code}", ""))
    if "Traceback" in result.output:
        problems.append(("traceback", "Traceback in output", ""))
    if result.exit_code == 1 and out_path is not None:
        left = (set(files_under(out_path)) - before) if out_path.is_dir() else ({out_path} if out_path.exists() else set())
        if left:
            problems.append(("partial-output", f"exit 1 but wrote {sorted(str(p.name) for p in left)[:5]}", ""))
    return result, elapsed, problems


def prepare_case(tmp: Path, sample: str) -> tuple[Path, Path]:
    rubric_rel, bids_rel = SAMPLES[sample]
    rubric = tmp / Path(rubric_rel).name
    shutil.copy(ROOT / rubric_rel, rubric)
    bids = tmp / "bids"
    shutil.copytree(ROOT / bids_rel, bids)
    return rubric, bids


def base_results(cache: dict, sample: str, work: Path) -> Path:
    """A results.json of the unmutated sample (made once per sample)."""
    if sample not in cache:
        folder = work / f"base-{sample}"
        folder.mkdir()
        rubric, bids = prepare_case(folder, sample)
        result = RUNNER.invoke(app, ["evaluate", str(rubric), str(bids), "--format", "json", "--out",
                                     str(folder / "out"), "--lang", "en"])
        assert result.exit_code == 0, result.output
        cache[sample] = folder / "out" / "results.json"
    return cache[sample]


def one_case(n: int, rng: random.Random, work: Path, cache: dict, args) -> dict:
    sample = rng.choice(list(SAMPLES))
    targets = [t for t in ("rubric", "bid", "scores", "catalog", "results") if t in args.only]
    weights = {"rubric": 3, "bid": 3, "scores": 2, "catalog": 1, "results": 2}
    target = rng.choices(targets, [weights[t] for t in targets])[0]
    case = work / f"case-{n:05d}"
    case.mkdir()
    rubric, bids = prepare_case(case, sample)
    catalog = None
    if target == "catalog" or (sample == "nipa" and rng.random() < 0.2):
        catalog = case / "catalog.yaml"
        shutil.copy(CATALOG, catalog)
    if target == "rubric":
        mutated = rubric
    elif target == "bid":
        mutated = rng.choice(sorted(bids.glob("*.yaml")))
    elif target == "scores":
        mutated = rng.choice(sorted((bids / "scores").glob("*.yaml")))
    elif target == "catalog":
        mutated = catalog
    else:
        mutated = case / "results.json"
        shutil.copy(base_results(cache, sample, work), mutated)
    what = mutate_file(mutated, rng)
    cat = ["--catalog", str(catalog)] if catalog else []
    lang = rng.choice(["en", "ko"])
    commands: list[tuple[list[str], Path | None]] = []
    if target == "results":
        commands.append((["scorecard", str(mutated), "--out", str(case / "sc" / "scorecard.xlsx"), "--lang", lang],
                         case / "sc" / "scorecard.xlsx"))
        if rng.random() < args.pdf_share * 4:
            commands.append((["report", str(mutated), "--out", str(case / "rp" / "report.pdf"), "--lang", lang],
                             case / "rp" / "report.pdf"))
    else:
        fmt = "json,xlsx,pdf" if rng.random() < args.pdf_share else "json,xlsx"
        commands += [
            (["validate", str(rubric), str(bids), *cat], None),
            (["evaluate", str(rubric), str(bids), "--format", fmt, "--out", str(case / "out"), "--lang", lang, *cat],
             case / "out"),
            (["analyze", str(rubric), str(bids), "--samples", "50", "--lang", lang, *cat], None),
            (["sheets", str(rubric), str(bids), "--out", str(case / "sheets"), "--lang", lang, *cat], case / "sheets"),
        ]
    record = {"n": n, "sample": sample, "target": target, "file": str(mutated.relative_to(case)), "mutation": what,
              "failures": []}
    exits = []
    for argv, out_path in commands:
        if out_path is not None:
            (out_path if out_path.suffix == "" else out_path.parent).mkdir(parents=True, exist_ok=True)
        result, elapsed, problems = run(argv, out_path)
        exits.append(result.exit_code)
        if result.exit_code == 1 and not problems:
            errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
            bad = [ln for ln in errors if not re.match(r"error: [^\s:]+(:\d+:\d+)?: \S", ln)]
            if not errors:
                problems.append(("no-error-line", "exit 1 without an `error:` line", ""))
            elif bad:
                problems.append(("bad-location", f"error line not `file:line:col: message`: {bad[0][:120]}", ""))
            if not re.search(re.escape(mutated.name) + r":\d+:\d+: ", result.output) \
                    and not re.search(re.escape(mutated.name) + r"(:\d+)?:? ", result.output):
                problems.append(("unnamed", "exit 1 without naming the mutated file", ""))
        for kind, summary, tb in problems:
            record["failures"].append({"kind": kind, "summary": summary, "argv": argv, "elapsed": round(elapsed, 2),
                                       "tail": (tb or result.output)[-2500:]})
    record["exits"] = exits
    return record, case


def signature(f: dict) -> str:
    """Group failures: the kind plus the last frame inside bideval (or the first error line)."""
    frames = re.findall(r'File "([^"]*bideval/[^"]+)", line (\d+), in (\w+)', f["tail"])
    last = frames[-1] if frames else None
    exc = f["summary"].split(":")[0]
    if last:
        return f"{f['kind']} {exc} at {Path(last[0]).name}:{last[1]} {last[2]}"
    first = next((ln for ln in f["tail"].splitlines() if ln.startswith("error:")), f["summary"])
    return f"{f['kind']} {f['argv'][0]} {re.sub(r'[0-9]+', 'N', first)[:100]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--pdf-share", type=float, default=0.05)
    ap.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    ap.add_argument("--only", default="rubric,bid,scores,catalog,results")
    ap.add_argument("--no-unnamed", action="store_true", help="do not report exit-1-without-the-file-name cases")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop after this long (0: no limit)")
    args = ap.parse_args()
    args.only = args.only.split(",")
    rng = random.Random(args.seed)
    cache: dict = {}
    groups: Counter = Counter()
    examples: dict = {}
    outcome: Counter = Counter()
    t0 = time.monotonic()
    ran = 0
    with tempfile.TemporaryDirectory(prefix="bideval-fuzz-") as tmp:
        work = Path(tmp)
        for n in range(args.cases):
            if args.max_seconds and time.monotonic() - t0 > args.max_seconds:
                break
            record, case = one_case(n, rng, work, cache, args)
            ran += 1
            if args.no_unnamed:
                record["failures"] = [f for f in record["failures"] if f["kind"] != "unnamed"]
            outcome["fail" if record["failures"] else ("ok" if all(e == 0 for e in record["exits"]) else "error")] += 1
            if record["failures"]:
                saved = args.failures / f"seed{args.seed}-case{n:05d}"
                if saved.exists():
                    shutil.rmtree(saved)
                shutil.copytree(case, saved, ignore=shutil.ignore_patterns("out", "sheets", "sc", "rp"))
                (saved / "repro.txt").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
                for f in record["failures"]:
                    sig = signature(f)
                    groups[sig] += 1
                    examples.setdefault(sig, (record, f, saved))
                print(f"[{n}] FAIL {record['sample']} {record['target']} {record['file']}: {record['mutation']}")
                for f in record["failures"]:
                    print(f"      {f['kind']}: {f['summary']} ({' '.join(f['argv'][:1])})")
            shutil.rmtree(case, ignore_errors=True)
    print()
    print(f"seed {args.seed}: {ran} cases in {time.monotonic() - t0:.0f} s — "
          f"{outcome['ok']} exit 0, {outcome['error']} clean errors, {outcome['fail']} flagged")
    print(f"{len(groups)} distinct failure signature(s)")
    for sig, count in groups.most_common():
        record, f, saved = examples[sig]
        print("=" * 100)
        print(f"{count}× {sig}")
        print(f"   mutation: {record['sample']} {record['target']} {record['file']}: {record['mutation']}")
        print(f"   command:  bideval {' '.join(f['argv'])}")
        print(f"   saved:    {saved}")
        print("   tail:")
        for line in f["tail"].splitlines()[-25:]:
            print("     " + line)
    sys.exit(1 if groups else 0)


if __name__ == "__main__":
    main()
