#!/usr/bin/env python3
"""Why `day` is excluded: reproduce the evidence quoted in the model card.

    model/.venv/bin/python model/analysis_day.py      # ~8 min on 2 cores

Uses LightGBM with fixed hyper-parameters (250 trees, 15 leaves, lr 0.03) on the raw
features (categoricals as LightGBM categoricals), training rows only for the CV part
(same hold-out rule as train.py: row index % 5 == 4 is never touched).

1. 5-fold stratified CV on the training rows: without day, with day, and with day
   but forbidden to interact with month (LightGBM interaction_constraints).
2. 5-fold CV grouped by calendar date (month, day): no date seen in training is scored,
   so exact-date memorisation cannot help.
3. Forward-in-time checks on the whole date-ordered file: train on the first 60..90%
   of rows, test on the rest, with and without day (mean of 3 LightGBM seeds).
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train  # noqa: E402

warnings.filterwarnings("ignore")
PARAMS = dict(n_estimators=250, learning_rate=0.03, num_leaves=15, min_child_samples=50, subsample=0.8,
              subsample_freq=1, colsample_bytree=0.8, random_state=0, n_jobs=2, verbose=-1)
BASE = train.FEATURE_ORDER + ["day"]
NO_DAY = train.FEATURE_ORDER


def prep(d: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    X = d[cols].copy()
    for c in cols:
        if c in train.CATEGORIES:
            X[c] = pd.Categorical(X[c], categories=train.CATEGORIES[c])
    return X


def cv_auc(tr: pd.DataFrame, cols: list[str], constraints=None, groups=None) -> float:
    X, y = prep(tr, cols), tr["y"].to_numpy()
    oof = np.zeros(len(X))
    if groups is None:
        splits = StratifiedKFold(5, shuffle=True, random_state=train.SEED).split(X, y)
    else:
        splits = StratifiedGroupKFold(5, shuffle=True, random_state=train.SEED).split(X, y, groups)
    for a, b in splits:
        kw = dict(PARAMS)
        if constraints:
            kw["interaction_constraints"] = constraints
        m = lgb.LGBMClassifier(**kw).fit(X.iloc[a], y[a])
        oof[b] = m.predict_proba(X.iloc[b])[:, 1]
    return roc_auc_score(y, oof)


def main() -> None:
    df = train.load_data((train.REPO_ROOT / train.DEFAULT_DATA).resolve())
    idx = np.arange(len(df))
    tr = df[idx % 5 != 4].reset_index(drop=True)

    mi, di = BASE.index("month"), BASE.index("day")
    others = [i for i in range(len(BASE)) if i not in (mi, di)]
    print("| 5-fold CV on training rows | ROC AUC |")
    print("|---|---:|")
    print(f"| without day | {cv_auc(tr, NO_DAY):.4f} |")
    print(f"| with day, no day x month interaction | {cv_auc(tr, BASE, [others + [mi], others + [di]]):.4f} |")
    print(f"| with day, unconstrained | {cv_auc(tr, BASE):.4f} |")
    dates = (tr["month"] + "-" + tr["day"].astype(str)).to_numpy()
    print(f"| grouped by date ({len(set(dates))} dates), without day | {cv_auc(tr, NO_DAY, groups=dates):.4f} |")
    print(f"| grouped by date, with day | {cv_auc(tr, BASE, groups=dates):.4f} |")
    print()
    print("| forward-in-time split | test base rate | without day | with day |")
    print("|---|---:|---:|---:|")
    for frac in (0.6, 0.7, 0.8, 0.9):
        cut = int(len(df) * frac)
        a, b = df.iloc[:cut], df.iloc[cut:]
        res = []
        for cols in (NO_DAY, BASE):
            aucs = []
            for seed in range(3):
                m = lgb.LGBMClassifier(**{**PARAMS, "random_state": seed}).fit(prep(a, cols), a["y"])
                aucs.append(roc_auc_score(b["y"], m.predict_proba(prep(b, cols))[:, 1]))
            res.append(float(np.mean(aucs)))
        print(f"| first {frac:.0%} -> last {1 - frac:.0%} | {b['y'].mean():.3f} | {res[0]:.4f} | {res[1]:.4f} |")


if __name__ == "__main__":
    main()
