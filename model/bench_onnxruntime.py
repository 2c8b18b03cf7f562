#!/usr/bin/env python3
"""Time onnxruntime on model/model.onnx at batch 1, 64 and 45,211 rows.

    model/.venv/bin/python model/bench_onnxruntime.py [--threads 1] [--runs 15]

Input rows are the real bank-full.csv records encoded exactly as train.py does (so the
timing includes no encoding, only inference). Prints a markdown table: median latency of
`--runs` timed runs after warm-up, and rows/s.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

MODEL_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(MODEL_DIR))
import train  # noqa: E402  (reuse the exact encoder)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(MODEL_DIR / "model.onnx"))
    ap.add_argument("--card", default=str(MODEL_DIR / "model.json"))
    ap.add_argument("--data", default=train.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    card = json.loads(Path(args.card).read_text())
    stats = {f["name"]: {"mean": f["mean"], "std": f["std"]} for f in card["features"] if f["kind"] == "numeric"}
    data = Path(args.data)
    if not data.is_absolute():
        data = (train.REPO_ROOT / data).resolve()
    X = train.encode(train.load_data(data), stats)

    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])

    print(f"onnxruntime {ort.__version__}, {args.threads} intra-op thread(s), model {Path(args.model).name}, "
          f"{X.shape[1]} input columns, median of {args.runs} runs\n")
    print("| batch | median latency | per row | rows/s |")
    print("|---:|---:|---:|---:|")
    for b in [1, 64, len(X)]:
        xb = np.ascontiguousarray(X[:b])
        inner = 1000 if b == 1 else (100 if b == 64 else 1)
        for _ in range(5):
            sess.run(["probability"], {"input": xb})
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            for _ in range(inner):
                sess.run(["probability"], {"input": xb})
            times.append((time.perf_counter() - t0) / inner)
        m = statistics.median(times)
        lat = f"{m * 1e6:.1f} µs" if m < 1e-3 else f"{m * 1e3:.2f} ms"
        print(f"| {b} | {lat} | {m / b * 1e6:.2f} µs | {b / m:,.0f} |")


if __name__ == "__main__":
    main()
