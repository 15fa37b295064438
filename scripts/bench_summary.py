#!/usr/bin/env python3
"""Runs rtm's benchmark binaries and reports each comparison in one table.

Reads benchmarks/comparisons.json, runs every binary it names (repetitions
with random interleaving, medians reported), prints one line per comparison
and writes a JSON list with one entry per comparison:
  {"name", "ours", "baseline", "baseline_name", "unit", "ratio", "goal", "met"}
ratio is ours relative to the baseline in the goal's direction (for times,
baseline/ours), so ratio >= goal means the goal is met. Exits 1 if any goal
is missed, 2 if a benchmark failed or is missing.
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

TIME_UNITS_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def run_binary(path, out_json, min_time, repetitions):
    command = [
        str(path),
        f"--benchmark_min_time={min_time}",
        f"--benchmark_repetitions={repetitions}",
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_report_aggregates_only=true",
        f"--benchmark_out={out_json}",
        "--benchmark_out_format=json",
    ]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True)


def medians(out_json):
    """Median of each benchmark, keyed by its name without its run suffixes."""
    data = json.loads(pathlib.Path(out_json).read_text())
    result = {}
    for entry in data["benchmarks"]:
        if entry.get("aggregate_name") != "median":
            continue
        if entry.get("error_occurred"):
            raise SystemExit(f"benchmark {entry['run_name']} failed: {entry.get('error_message')}")
        # Without the suffixes that say how it ran (/iterations:1, /real_time).
        name = re.sub(r"(/iterations:\d+|/real_time)+$", "", entry["run_name"])
        result[name] = entry
    return result


def metric(entry, name):
    if name in ("real_time", "cpu_time"):
        return entry[name] * TIME_UNITS_NS[entry["time_unit"]]
    return entry[name]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", default="build/bench")
    parser.add_argument("--config", default="benchmarks/comparisons.json")
    parser.add_argument("--out", default="build/bench/summary.json")
    parser.add_argument("--quick", action="store_true", help="one short repetition each (a smoke run)")
    args = parser.parse_args()

    config = json.loads(pathlib.Path(args.config).read_text())
    build = pathlib.Path(args.build_dir)
    results = {}
    for binary, settings in config["binaries"].items():
        path = build / "benchmarks" / "bin" / binary
        if not path.exists():
            print(f"missing benchmark binary {path}", file=sys.stderr)
            return 2
        out_json = build / f"{binary}.json"
        min_time = 0.01 if args.quick else settings["min_time"]
        repetitions = 1 if args.quick else settings["repetitions"]
        run_binary(path, out_json, min_time, repetitions)
        results[binary] = medians(out_json)

    summary = []
    for c in config["comparisons"]:
        found = results[c["binary"]]
        for key in ("ours", "baseline"):
            if c[key] not in found:
                print(f"comparison {c['name']}: no result for {c[key]}", file=sys.stderr)
                return 2
        ours = metric(found[c["ours"]], c["metric"])
        baseline = metric(found[c["baseline"]], c["metric"])
        ratio = ours / baseline if c["better"] == "higher" else baseline / ours
        summary.append({
            "name": c["name"],
            "ours": ours,
            "baseline": baseline,
            "baseline_name": c["baseline_name"],
            "unit": c["unit"],
            "ratio": round(ratio, 3),
            "goal": c["goal"],
            "met": ratio >= c["goal"],
        })

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")

    print()
    header = f"{'comparison':<44} {'rtm':>14} {'baseline':>14} {'unit':<22} {'ratio':>7} {'goal':>6}  result"
    print(header)
    print("-" * len(header))
    for s in summary:
        print(f"{s['name']:<44} {s['ours']:>14.4g} {s['baseline']:>14.4g} {s['unit']:<22} "
              f"{s['ratio']:>6.2f}x {s['goal']:>5.2f}x  {'met' if s['met'] else 'MISSED'}")
    print(f"\nwritten {out}")
    return 0 if all(s["met"] for s in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
