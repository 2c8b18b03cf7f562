#!/usr/bin/env bash
# The segmentation benchmark of docs/benchmarks.md: `leadscore segment FILE --k 5` (release build) against S2's
# pandas + scikit-learn pipeline (tests/benchmarks/rfm_pandas.py) on the same file, alternating the two in one run,
# each under /usr/bin/time -v for wall time and peak memory. Prints a Markdown table of medians.
#
#     tests/benchmarks/segmentation.sh [FILE]        # RUNS=7 by default
#
# FILE defaults to ../shared/data/online-retail/online_retail.csv beside the repository. The Python side lives in
# tests/benchmarks/.venv (created from requirements.txt on first use).
set -euo pipefail

cd "$(dirname "$0")/../.."
FILE="${1:-../shared/data/online-retail/online_retail.csv}"
RUNS="${RUNS:-7}"
VENV=tests/benchmarks/.venv
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r tests/benchmarks/requirements.txt
fi
cargo build --release --quiet --workspace --bin leadscore

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $FILE ($(wc -c <"$FILE") bytes)"
cat "$FILE" >/dev/null # both sides read from the page cache

for i in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$OUT/rust-$i.time" target/release/leadscore segment "$FILE" --k 5 --timings \
        >"$OUT/rust-$i.out" 2>"$OUT/rust-$i.json"
    /usr/bin/time -v -o "$OUT/python-$i.time" "$VENV/bin/python" tests/benchmarks/rfm_pandas.py "$FILE" --k 5 \
        >"$OUT/python-$i.json"
done

python3 - "$OUT" "$RUNS" <<'EOF'
import json, re, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])

def usage(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, peak

def med(values):
    return statistics.median(values)

rust = [json.loads(open(f"{out}/rust-{i}.json").read().strip().splitlines()[-1]) for i in range(1, runs + 1)]
python = [json.loads(open(f"{out}/python-{i}.json").read()) for i in range(1, runs + 1)]
rust_usage = [usage(f"{out}/rust-{i}.time") for i in range(1, runs + 1)]
python_usage = [usage(f"{out}/python-{i}.time") for i in range(1, runs + 1)]

r_compute = med([r["parse_clean_aggregate_s"] + r["rfm_features_s"] + r["kmeans_silhouette_s"] + r["describe_s"] for r in rust])
p_compute = med([p["compute_s"] for p in python])
r_wall, p_wall = med([u[0] for u in rust_usage]), med([u[0] for u in python_usage])
r_peak, p_peak = med([u[1] for u in rust_usage]), med([u[1] for u in python_usage])

print(f"\nmedian of {runs} alternating runs (seconds)\n")
print("| step | leadscore segment | pandas + scikit-learn |")
print("|---|---|---|")
print(f"| start-up (interpreter, imports) | — | {med([p['import_s'] for p in python]):.3f} |")
print(f"| read file | {med([r['read_s'] for r in rust]):.3f} | (in read_csv) |")
print(f"| parse + clean + aggregate | {med([r['parse_clean_aggregate_s'] for r in rust]):.3f} | {med([p['read_s'] + p['clean_aggregate_s'] for p in python]):.3f} (read_csv {med([p['read_s'] for p in python]):.3f} + groupby {med([p['clean_aggregate_s'] for p in python]):.3f}) |")
print(f"| cap + log1p + scale + k-means | {med([r['rfm_features_s'] + r['kmeans_silhouette_s'] for r in rust]):.3f} (incl. silhouette) | {med([p['transform_kmeans_s'] for p in python]):.3f} (no silhouette) |")
print(f"| **compute** (parse → clusters) | **{r_compute:.3f}** | **{p_compute:.3f}** — {p_compute / r_compute:.1f}x |")
print(f"| **whole process** (wall) | **{r_wall:.3f}** | **{p_wall:.3f}** — {p_wall / r_wall:.1f}x |")
print(f"| peak memory (max RSS) | {r_peak:.0f} MiB | {p_peak:.0f} MiB |")
print(f"\ncustomers: leadscore {open(f'{out}/rust-1.out').read().split(' customers')[0].split()[-1]}, pandas {python[0]['customers']}; "
      f"pandas inertia {python[0]['inertia']}, cluster sizes {python[0]['cluster_sizes']}")
print(open(f"{out}/rust-1.out").read())
EOF
