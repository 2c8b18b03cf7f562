"""S2's RFM pipeline in pandas + scikit-learn, timed step by step: the reference of docs/benchmarks.md.

    tests/benchmarks/.venv/bin/python tests/benchmarks/rfm_pandas.py FILE [--k 5] [--dump rfm.csv]

Steps, as S2 describes them (plus the 99th-percentile cap of the issue): read_csv, clean (CustomerID present, no
cancellation, Quantity > 0, UnitPrice > 0), groupby customer (recency in whole days to the day after the last
invoice, distinct invoices, sum of Quantity x UnitPrice), cap each column at its 99th percentile, log1p,
StandardScaler, KMeans(k, n_init=10, random_state=42). Prints one JSON object with the seconds spent importing the
libraries and in each step; whole-process time is measured outside (by /usr/bin/time).
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

IMPORTED = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--dump", help="write the RFM table with cluster labels to this CSV file")
    args = parser.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(args.file, dtype={"InvoiceNo": str, "StockCode": str}, parse_dates=["InvoiceDate"])
    t_read = time.perf_counter()

    df = df.dropna(subset=["CustomerID"])
    df = df[~df["InvoiceNo"].str.startswith("C")]
    df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
    df = df.assign(TotalPrice=df["Quantity"] * df["UnitPrice"])
    snapshot = df["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    rfm = df.groupby("CustomerID").agg(
        Last=("InvoiceDate", "max"),
        Frequency=("InvoiceNo", "nunique"),
        Monetary=("TotalPrice", "sum"),
    )
    rfm["Recency"] = (snapshot - rfm["Last"].dt.normalize()).dt.days
    rfm = rfm[["Recency", "Frequency", "Monetary"]]
    t_aggregate = time.perf_counter()

    capped = rfm.clip(upper=rfm.quantile(0.99), axis=1)
    features = StandardScaler().fit_transform(np.log1p(capped))
    model = KMeans(n_clusters=args.k, n_init=10, random_state=42).fit(features)
    t_kmeans = time.perf_counter()

    if args.dump:
        rfm.assign(cluster=model.labels_).to_csv(args.dump)

    print(
        json.dumps(
            {
                "import_s": round(IMPORTED - STARTED, 4),
                "read_s": round(t_read - t0, 4),
                "clean_aggregate_s": round(t_aggregate - t_read, 4),
                "transform_kmeans_s": round(t_kmeans - t_aggregate, 4),
                "compute_s": round(t_kmeans - t0, 4),
                "customers": int(len(rfm)),
                "inertia": round(float(model.inertia_), 3),
                "cluster_sizes": sorted((int(n) for n in np.bincount(model.labels_)), reverse=True),
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
