#!/usr/bin/env python3
"""Train the leadscore pre-call model and export it to ONNX.

Model: a small dense MLP (the *student*, exported to ONNX) distilled from a
CatBoost oblivious-tree gradient-boosting model (the *teacher*, not exported).

    python -m venv model/.venv
    model/.venv/bin/pip install -r model/requirements.txt
    model/.venv/bin/python model/train.py            # ~15-30 min on 2 cores

Outputs (paths relative to the repository root):
    model/model.onnx              the student MLP, dense ops only (Gemm, Relu, Sigmoid)
    model/model.json              the model card (encoding, metrics, thresholds)
    model/fixtures/parity.json    raw hold-out records + onnxruntime probabilities
    docs/model-card.md            the model card rendered as markdown

Everything is deterministic: fixed seeds, fixed fold assignment, BLAS limited to
one thread while the MLP trains, CatBoost with a fixed thread count, floats in
the card rounded to 6 decimals, and `trainedAt` taken from --trained-at (default:
the constant TRAINED_AT below) instead of the wall clock. Re-running on the same
data file with the same requirements.txt gives byte-identical outputs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

MODEL_DIR = Path(__file__).resolve().parent
REPO_ROOT = MODEL_DIR.parent

# --------------------------------------------------------------------------------------
# Constants that define the model. Bump MODEL_VERSION whenever anything here changes.
# --------------------------------------------------------------------------------------
MODEL_VERSION = "2026.11.1-mlp-distilled"
TRAINED_AT = "2026-11-22T00:00:00Z"  # default for --trained-at; see module docstring
DEFAULT_DATA = "../shared/data/bank-marketing/bank-full.csv"  # relative to the repo root

SEED = 20261122
N_FOLDS = 5
HOLDOUT_RULE = "0-based data-row index % 5 == 4"
CATBOOST_THREADS = 2

# Teacher search space (CatBoost, oblivious trees). The iteration count is chosen from the
# mean 5-fold validation-AUC curve, up to TEACHER_MAX_ITER.
TEACHER_GRID = [
    {"depth": 5, "learning_rate": 0.05, "l2_leaf_reg": 3.0},
    {"depth": 6, "learning_rate": 0.05, "l2_leaf_reg": 3.0},
    {"depth": 7, "learning_rate": 0.05, "l2_leaf_reg": 3.0},
]
TEACHER_MAX_ITER = 700

# Student (the exported model). Sized for tract: ~15k multiply-adds per row.
STUDENT = {
    "hiddenLayers": [128, 64],
    "activation": "relu",
    "solver": "adam",
    "learningRateInit": 0.001,
    "batchSize": 256,
    "l2Alpha": 0.0001,
    "maxEpochs": 80,
    "earlyStoppingPatience": 8,
    "validationFraction": 0.1,
    "target": "teacher logit (CatBoost RawFormulaVal), squared error",
    "augmentationFactor": 2,
    "augmentationSwapProbability": 0.25,
}

# Tier policy, applied to the out-of-fold (OOF) student probabilities of the training rows.
HOT_TOP_FRACTION = 0.10  # top 10% of training OOF scores
WARM_NEXT_FRACTION = 0.20  # next 20%

# --------------------------------------------------------------------------------------
# Raw features and their encoding
# --------------------------------------------------------------------------------------
CSV_COLUMNS = [
    "age", "job", "marital", "education", "default", "balance", "housing", "loan", "contact",
    "day", "month", "duration", "campaign", "pdays", "previous", "poutcome", "y",
]
CATEGORIES = {
    "job": ["admin.", "blue-collar", "entrepreneur", "housemaid", "management", "retired",
            "self-employed", "services", "student", "technician", "unemployed", "unknown"],
    "marital": ["divorced", "married", "single"],
    "education": ["primary", "secondary", "tertiary", "unknown"],
    "default": ["no", "yes"],
    "housing": ["no", "yes"],
    "loan": ["no", "yes"],
    "contact": ["cellular", "telephone", "unknown"],
    "month": ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    "poutcome": ["failure", "other", "success", "unknown"],
}
# Raw features in tensor order. Each numeric transform is spelled out in the card.
FEATURE_ORDER = [
    "age", "job", "marital", "education", "default", "balance", "housing", "loan", "contact",
    "month", "campaign", "pdays", "previous", "poutcome",
]
NUMERIC_TRANSFORMS = {
    "age": "identity",
    "balance": "signed_log1p",
    "campaign": "log1p",
    "previous": "log1p",
    "pdays": "pdays",  # two columns: indicator + log1p with -1 -> 0
}
DESCRIPTIONS = {
    "age": "age in years",
    "job": "type of job",
    "marital": "marital status (divorced means divorced or widowed)",
    "education": "education level",
    "default": "has credit in default?",
    "balance": "average yearly balance in euros (can be negative)",
    "housing": "has a housing loan?",
    "loan": "has a personal loan?",
    "contact": "contact communication type",
    "month": "month of the (planned) contact",
    "campaign": "number of contacts in this campaign for this client, including the one being scored",
    "pdays": "days since the client was last contacted in a previous campaign; -1 = never contacted",
    "previous": "number of contacts before this campaign for this client",
    "poutcome": "outcome of the previous marketing campaign",
}
EXCLUDED = [
    {
        "name": "duration",
        "reason": "Target leakage: the duration of the call being predicted is only known after that "
                  "call has ended (and duration == 0 implies y = no). A pre-call model cannot use it. "
                  "Accepted in API payloads and ignored.",
    },
    {
        "name": "day",
        "reason": "Excluded by judgement: the day of month is known before the call, but in this data its signal "
                  "is mostly a calendar artefact. Evidence (model/analysis_day.py, LightGBM, training rows only): "
                  "5-fold CV ROC AUC 0.7930 without day and 0.8042 with it, but 0.7952 when day may not interact "
                  "with month, so about 80% of the gain comes from day x month, i.e. from recognising particular "
                  "dates and weeks of the 2008-2010 campaign waves. The file is ordered by date and the hold-out "
                  "is interleaved in time, so that memorisation scores well on it. With CV grouped by calendar date "
                  "(no scored date seen in training) the gain shrinks to +0.005 (0.7839 -> 0.7891), and on "
                  "forward-in-time splits (train on the first 60/70/80/90% of rows, test on the rest) it is "
                  "inconsistent: +0.006, -0.029, +0.010, +0.003 (mean -0.003). A lead-scoring model scores future "
                  "dates, where those waves do not recur. Cost of the choice: roughly 0.01 ROC AUC on the "
                  "interleaved hold-out. Accepted in API payloads and ignored.",
    },
    {
        "name": "y",
        "reason": "The target (term deposit subscribed).",
    },
]

ROUND = 6


EXPLANATIONS = {
    "method": "Model-agnostic one-feature-at-a-time substitution: for each raw feature, the customer's value is "
              "replaced by the feature's `reference` (the most frequent category, or the median, of the training "
              "rows) and the record is re-scored in the same batch as the original. impact = (p(customer) - "
              "p(customer with that feature at its reference)) x 100, in probability points.",
    "rules": [
        "Positive impact: the customer's value raised the probability compared with the reference; negative: it "
        "lowered it.",
        "A feature whose value equals its reference has impact 0 and is not listed.",
        "The API lists up to 5 features per direction (EXPLAIN_TOP_FACTORS), strongest first.",
        "Impacts are not additive: features interact in the network, so they need not sum to p - p(reference "
        "customer).",
        "Only the card's features are explained; day and duration are not model inputs.",
    ],
}


def r6(x: float) -> float:
    """Round for the card (byte-stable JSON)."""
    v = round(float(x), ROUND)
    return 0.0 if v == 0 else v


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_data(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, sep=";", quotechar='"', dtype=str, keep_default_na=False)
    if list(df.columns) != CSV_COLUMNS:
        raise SystemExit(f"unexpected columns in {path}: {list(df.columns)}")
    for c in ["age", "balance", "day", "duration", "campaign", "pdays", "previous"]:
        df[c] = df[c].astype(np.int64)
    for c, cats in CATEGORIES.items():
        bad = sorted(set(df[c]) - set(cats))
        if bad:
            raise SystemExit(f"column {c} has categories outside the vocabulary: {bad}")
    if not set(df["y"]) <= {"yes", "no"}:
        raise SystemExit("y must be yes/no")
    df["y"] = (df["y"] == "yes").astype(np.int64)
    return df


# --------------------------------------------------------------------------------------
# Encoding (mirrored exactly by the Rust encoder; see the card's `features` section)
# --------------------------------------------------------------------------------------

def numeric_raw_transform(name: str, x: np.ndarray) -> np.ndarray:
    """The transform applied before standardisation (float64)."""
    x = np.asarray(x, dtype=np.float64)
    t = NUMERIC_TRANSFORMS[name]
    if t == "identity":
        return x
    if t == "log1p":
        return np.log1p(x)
    if t == "signed_log1p":
        return np.sign(x) * np.log1p(np.abs(x))
    raise ValueError(t)


def fit_encoding(train: pd.DataFrame) -> dict:
    """Standardisation statistics (rounded to 6 decimals, and used rounded) from training rows."""
    stats = {}
    for name in ["age", "balance", "campaign", "previous"]:
        v = numeric_raw_transform(name, train[name].to_numpy())
        stats[name] = {"mean": r6(v.mean()), "std": r6(v.std())}
    p = train["pdays"].to_numpy()
    v = np.where(p == -1, 0.0, np.log1p(np.maximum(p, 0)))
    stats["pdays"] = {"mean": r6(v.mean()), "std": r6(v.std())}
    return stats


def column_names() -> list[str]:
    cols = []
    for f in FEATURE_ORDER:
        if f in CATEGORIES:
            cols += [f"{f}={c}" for c in CATEGORIES[f]]
        elif f == "pdays":
            cols += ["pdays_never", "pdays_log1p"]
        else:
            cols.append(f)
    return cols


def encode(d: pd.DataFrame, stats: dict) -> np.ndarray:
    """Raw records -> float32 tensor [N, F]. Computed in float64, cast to float32 at the end."""
    parts = []
    for f in FEATURE_ORDER:
        if f in CATEGORIES:
            vals = d[f].to_numpy()
            unknown = set(vals) - set(CATEGORIES[f])
            if unknown:
                raise ValueError(f"unknown category for {f}: {sorted(unknown)}")
            for c in CATEGORIES[f]:
                parts.append((vals == c).astype(np.float64))
        elif f == "pdays":
            p = d["pdays"].to_numpy().astype(np.float64)
            if np.any((p < 0) & (p != -1)):
                raise ValueError("pdays must be -1 or >= 0")
            never = p == -1
            parts.append(never.astype(np.float64))
            v = np.where(never, 0.0, np.log1p(np.maximum(p, 0.0)))
            parts.append((v - stats["pdays"]["mean"]) / stats["pdays"]["std"])
        else:
            v = numeric_raw_transform(f, d[f].to_numpy())
            parts.append((v - stats[f]["mean"]) / stats[f]["std"])
    return np.stack(parts, axis=1).astype(np.float32)


def feature_groups() -> list[list[int]]:
    """Tensor column indices of each raw feature (used by the augmentation)."""
    groups, i = [], 0
    for f in FEATURE_ORDER:
        n = len(CATEGORIES[f]) if f in CATEGORIES else (2 if f == "pdays" else 1)
        groups.append(list(range(i, i + n)))
        i += n
    return groups


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------

def stratified_folds(y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold
    skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
    return list(skf.split(np.zeros(len(y)), y))


def fit_teacher(X, y, params, iterations, eval_set=None):
    from catboost import CatBoostClassifier
    m = CatBoostClassifier(
        iterations=iterations,
        learning_rate=params["learning_rate"],
        depth=params["depth"],
        l2_leaf_reg=params["l2_leaf_reg"],
        loss_function="Logloss",
        eval_metric="AUC",
        random_seed=SEED,
        thread_count=CATBOOST_THREADS,
        verbose=0,
        allow_writing_files=False,
    )
    if eval_set is not None:
        m.fit(X, y, eval_set=eval_set, use_best_model=False)
    else:
        m.fit(X, y)
    return m


def teacher_logit(model, X, ntree_end=0):
    return model.predict(X, prediction_type="RawFormulaVal", ntree_end=ntree_end).astype(np.float64)


def augment(X: np.ndarray, factor: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Feature-group swap augmentation: each synthetic row starts as a random training row and
    each raw feature is, with probability p, replaced by that feature of another random row.
    Synthetic rows are labelled by the teacher, never by y."""
    n = len(X) * factor
    base = rng.integers(0, len(X), n)
    S = X[base].copy()
    for g in feature_groups():
        swap = rng.random(n) < p
        donor = rng.integers(0, len(X), n)
        S[np.ix_(swap, g)] = X[donor[swap]][:, g]
    return S


def fit_student(X, target, seed):
    from sklearn.neural_network import MLPRegressor
    from threadpoolctl import threadpool_limits
    m = MLPRegressor(
        hidden_layer_sizes=tuple(STUDENT["hiddenLayers"]),
        activation="relu",
        solver="adam",
        alpha=STUDENT["l2Alpha"],
        batch_size=STUDENT["batchSize"],
        learning_rate_init=STUDENT["learningRateInit"],
        max_iter=STUDENT["maxEpochs"],
        early_stopping=True,
        validation_fraction=STUDENT["validationFraction"],
        n_iter_no_change=STUDENT["earlyStoppingPatience"],
        random_state=seed,
    )
    with threadpool_limits(limits=1):  # deterministic BLAS
        m.fit(X.astype(np.float64), target)
    return m


def distill(X, y, teacher, ntree_end, seed):
    """Train a student on X (+ augmented rows) to reproduce the teacher's logits."""
    rng = np.random.default_rng(seed)
    S = augment(X, STUDENT["augmentationFactor"], STUDENT["augmentationSwapProbability"], rng)
    XX = np.vstack([X, S])
    t = teacher_logit(teacher, XX, ntree_end)
    return fit_student(XX, t, seed)


def student_predict_np(student, X) -> np.ndarray:
    """float64 reference forward pass (used only before export)."""
    z = student.predict(X.astype(np.float64))
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------------------
# ONNX export (hand-built, dense ops only)
# --------------------------------------------------------------------------------------
OPSET = 17
IR_VERSION = 8


def export_onnx(student, n_features: int, path: Path, meta: dict) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    inits, nodes = [], []
    prev = "input"
    n_layers = len(student.coefs_)
    for i, (W, b) in enumerate(zip(student.coefs_, student.intercepts_)):
        wn, bn, zn = f"layer{i}.weight", f"layer{i}.bias", f"layer{i}.linear"
        inits.append(numpy_helper.from_array(np.asarray(W, dtype=np.float32), wn))
        inits.append(numpy_helper.from_array(np.asarray(b, dtype=np.float32), bn))
        last = i == n_layers - 1
        out = "logit" if last else zn
        nodes.append(helper.make_node("Gemm", [prev, wn, bn], [out], name=f"layer{i}.gemm"))
        if not last:
            nodes.append(helper.make_node("Relu", [zn], [f"layer{i}.relu"], name=f"layer{i}.relu"))
            prev = f"layer{i}.relu"
    nodes.append(helper.make_node("Sigmoid", ["logit"], ["probability"], name="sigmoid"))
    graph = helper.make_graph(
        nodes,
        "leadscore_precall_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", n_features])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1])],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="leadscore/model/train.py",
        producer_version=MODEL_VERSION,
        doc_string="P(y = yes) for the UCI bank-marketing term-deposit task, pre-call (no duration). "
                   "Input: encoded + standardised features, see model.json.",
    )
    model.ir_version = IR_VERSION
    for k, v in meta.items():
        e = model.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.checker.check_model(model, full_check=True)
    path.write_bytes(model.SerializeToString())


def ort_predict(path: Path, X: np.ndarray) -> np.ndarray:
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    return s.run(["probability"], {"input": X.astype(np.float32)})[0][:, 0]


def onnx_ops(path: Path) -> list[str]:
    import onnx
    m = onnx.load(str(path))
    return sorted({n.op_type for n in m.graph.node})


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------

def binary_metrics(y, p, threshold) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
    p = np.asarray(p, dtype=np.float64)
    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "rows": int(len(y)),
        "positives": int(y.sum()),
        "baseRate": r6(y.mean()),
        "rocAuc": r6(roc_auc_score(y, p)),
        "prAuc": r6(average_precision_score(y, p)),
        "brierScore": r6(brier_score_loss(y, p)),
        "logLoss": r6(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15))),
        "meanPredicted": r6(p.mean()),
        "atDecisionThreshold": {
            "threshold": threshold,
            "accuracy": r6((tp + tn) / len(y)),
            "precision": r6(prec),
            "recall": r6(rec),
            "f1": r6(f1),
            "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        },
    }


def decile_table(y, p) -> list[dict]:
    """Deciles by score, highest first. Ties broken by row order (stable sort)."""
    order = np.argsort(-np.asarray(p, dtype=np.float64), kind="stable")
    base = y.mean()
    rows = []
    for i, idx in enumerate(np.array_split(order, 10)):
        conv = int(y[idx].sum())
        rate = conv / len(idx)
        rows.append({
            "decile": i + 1,
            "count": int(len(idx)),
            "conversions": conv,
            "conversionRate": r6(rate),
            "lift": r6(rate / base),
            "minProbability": r6(p[idx].min()),
            "maxProbability": r6(p[idx].max()),
        })
    return rows


def tier_of(p, hot, warm):
    return np.where(p >= hot, "Hot", np.where(p >= warm, "Warm", "Cold"))


def tier_table(y, p, hot, warm) -> dict:
    t = tier_of(np.asarray(p, dtype=np.float64), hot, warm)
    out = {}
    for name in ["Hot", "Warm", "Cold"]:
        m = t == name
        out[name.lower()] = {
            "count": int(m.sum()),
            "share": r6(m.mean()),
            "conversions": int(y[m].sum()),
            "conversionRate": r6(y[m].mean()) if m.any() else None,
        }
    return out


def f1_threshold(y, p) -> float:
    from sklearn.metrics import precision_recall_curve
    prec, rec, thr = precision_recall_curve(y, p)
    f1 = np.where(prec[:-1] + rec[:-1] > 0, 2 * prec[:-1] * rec[:-1] / (prec[:-1] + rec[:-1] + 1e-300), 0)
    return r6(thr[int(np.argmax(f1))])


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------
API_KEYS = ["age", "job", "marital", "education", "default", "balance", "housing", "loan",
            "contact", "day", "month", "campaign", "pdays", "previous", "poutcome"]


def raw_record(row: pd.Series, with_duration: bool) -> dict:
    rec = {}
    for k in API_KEYS:
        v = row[k]
        rec[k] = int(v) if k in ("age", "balance", "day", "campaign", "pdays", "previous") else str(v)
        if k == "month" and with_duration:
            rec["duration"] = int(row["duration"])
    return rec


def pick_fixture_rows(te: pd.DataFrame, n_total: int, rng: np.random.Generator) -> list[int]:
    """Edge cases first (every category value, pdays -1/min/max, extreme numerics), then random."""
    chosen: list[int] = []

    def add(i):
        i = int(i)
        if i not in chosen:
            chosen.append(i)

    for f, cats in CATEGORIES.items():
        for c in cats:
            idx = np.flatnonzero(te[f].to_numpy() == c)
            add(idx[0])
            add(idx[-1])
    for f in ["age", "balance", "campaign", "previous"]:
        v = te[f].to_numpy()
        add(np.argmin(v))
        add(np.argmax(v))
    b = te["balance"].to_numpy()
    add(np.flatnonzero(b == 0)[0])
    add(np.flatnonzero(b < 0)[0])
    add(np.argsort(b, kind="stable")[1])  # second most negative
    p = te["pdays"].to_numpy()
    add(np.flatnonzero(p == -1)[0])
    contacted = np.flatnonzero(p >= 0)
    add(contacted[np.argmin(p[contacted])])
    add(contacted[np.argmax(p[contacted])])
    for i in contacted[:5]:
        add(i)
    for i in np.flatnonzero(te["y"].to_numpy() == 1)[:10]:
        add(i)
    rest = [i for i in rng.permutation(len(te)) if int(i) not in set(chosen)]
    for i in rest[: max(0, n_total - len(chosen))]:
        add(i)
    return chosen


# --------------------------------------------------------------------------------------
# Markdown rendering of the card
# --------------------------------------------------------------------------------------

def cell(s) -> str:
    """Escape a value for a GitHub-flavoured markdown table cell."""
    return str(s).replace("|", "\\|")


def fmt(x, nd=4):
    return "—" if x is None else f"{x:.{nd}f}"


def render_markdown(card: dict) -> str:
    L = []
    a = L.append
    h = card["holdoutMetrics"]
    cv = card["cvMetrics"]
    a(f"# Model card — {card['modelVersion']}")
    a("")
    a("<!-- Generated by model/train.py from model/model.json. Do not edit by hand. -->")
    a("")
    a(f"**Task.** {card['task']}")
    a("")
    a(f"**Algorithm.** {card['algorithm']['summary']}")
    a("")
    a(f"**Trained at** {card['trainedAt']} (fixed for reproducibility, see `model/README.md`). "
      f"**Data** `{card['data']['file']}` ({card['data']['rows']} rows, sha256 `{card['data']['sha256']}`).")
    a("")
    a("## Headline numbers")
    a("")
    a("| | ROC AUC | PR AUC | Brier | log loss |")
    a("|---|---|---|---|---|")
    a(f"| Hold-out ({h['rows']} rows, never used for training or tuning) | {fmt(h['rocAuc'])} | {fmt(h['prAuc'])} | {fmt(h['brierScore'])} | {fmt(h['logLoss'])} |")
    a(f"| 5-fold CV on training rows (pooled out-of-fold) | {fmt(cv['oof']['rocAuc'])} | {fmt(cv['oof']['prAuc'])} | {fmt(cv['oof']['brierScore'])} | {fmt(cv['oof']['logLoss'])} |")
    t = card["teacher"]
    a(f"| Teacher (CatBoost, not deployed), hold-out | {fmt(t['holdoutRocAuc'])} | | | |")
    a(f"| Teacher, 5-fold CV (pooled out-of-fold) | {fmt(t['cvOofRocAuc'])} | | | |")
    a("")
    a(f"Per-fold student ROC AUC: {', '.join(fmt(x) for x in cv['perFoldRocAuc'])} "
      f"(mean {fmt(cv['meanRocAuc'])} ± {fmt(cv['stdRocAuc'])}).")
    a("")
    a("Reference points without `duration` (quoted in the project brief, not re-measured here): logistic regression "
      "≈ 0.765 and default gradient boosting ≈ 0.797 (5-fold CV), Moro et al. 2014 ≈ 0.80 (neural net). This model "
      "is below the 0.80 target on the hold-out. The main reason is that `day` is left out (see *Excluded "
      "features*): it is worth about +0.01 AUC on an interleaved split, mostly through date memorisation.")
    a("")
    a("## Split")
    a("")
    a(f"- Hold-out: {card['split']['holdout']} → {card['split']['holdoutRows']} rows.")
    a(f"- Training: the other {card['split']['trainingRows']} rows. {card['split']['cv']}")
    a("")
    a("## Decision threshold and tiers")
    a("")
    d = h["atDecisionThreshold"]
    a(f"- `decisionThreshold` = **{card['decisionThreshold']}** — {card['decisionThresholdRule']}")
    a(f"  Hold-out at this threshold: accuracy {fmt(d['accuracy'])}, precision {fmt(d['precision'])}, "
      f"recall {fmt(d['recall'])}, F1 {fmt(d['f1'])} (tp {d['confusion']['tp']}, fp {d['confusion']['fp']}, "
      f"fn {d['confusion']['fn']}, tn {d['confusion']['tn']}).")
    tt = card["tierThresholds"]
    a(f"- Tiers: probability ≥ **{tt['hot']}** → Hot; ≥ **{tt['warm']}** → Warm; else Cold. {card['tierRule']}")
    a("")
    a("| Tier | hold-out count | share | conversions | conversion rate | training OOF conversion rate |")
    a("|---|---|---|---|---|---|")
    for k in ["hot", "warm", "cold"]:
        x = card["tiers"]["holdout"][k]
        o = card["tiers"]["trainingOof"][k]
        a(f"| {k.capitalize()} | {x['count']} | {fmt(x['share'], 3)} | {x['conversions']} | {fmt(x['conversionRate'])} | {fmt(o['conversionRate'])} |")
    a("")
    a(f"Base rate on the hold-out: {fmt(h['baseRate'])}.")
    a("")
    a("## Hold-out lift by score decile")
    a("")
    a("| Decile (1 = highest scores) | count | conversions | conversion rate | lift | probability range |")
    a("|---|---|---|---|---|---|")
    for r in card["holdoutDeciles"]:
        a(f"| {r['decile']} | {r['count']} | {r['conversions']} | {fmt(r['conversionRate'])} | {fmt(r['lift'], 2)} | {fmt(r['minProbability'])} – {fmt(r['maxProbability'])} |")
    a("")
    a("## Input tensor")
    a("")
    io = card["onnx"]
    a(f"ONNX file `{io['file']}` (opset {io['opset']}, IR {io['irVersion']}, ops: {', '.join(io['ops'])}). "
      f"Input `{io['inputName']}` float32 {io['inputShape']}; output `{io['outputName']}` float32 {io['outputShape']} = P(y = yes).")
    a("")
    a("Encoding is done by the caller, in float64, cast to float32 at the end. An unknown category is an error. "
      "`ln` is the natural logarithm, `sign(0) = 0`.")
    a("")
    a("| # | column | raw feature | formula |")
    a("|---|---|---|---|")
    for c in card["tensorColumns"]:
        a(f"| {c['index']} | `{c['name']}` | {c['feature']} | `{cell(c['formula'])}` |")
    a("")
    a("Inference speed (tract-onnx 0.23.9 and onnxruntime) and the Rust loading code: see `model/README.md`.")
    a("")
    a("## Raw features")
    a("")
    a("| feature | kind | encoding | reference (for explanations) | observed range / categories |")
    a("|---|---|---|---|---|")
    for f in card["features"]:
        if f["kind"] == "categorical":
            rng_s = ", ".join(f"`{c}`" for c in f["categories"])
        else:
            rng_s = f"{f['observedMin']} … {f['observedMax']}"
        a(f"| {f['name']} | {f['kind']} | {cell(f['encodingSummary'])} | `{f['reference']}` | {rng_s} |")
    a("")
    a("## Explanations")
    a("")
    a(card["explanations"]["method"])
    a("")
    for rule in card["explanations"]["rules"]:
        a(f"- {rule}")
    a("")
    a("## Excluded features")
    a("")
    for e in card["excludedFeatures"]:
        a(f"- **{e['name']}** — {e['reason']}")
    a("")
    a("## Algorithm and hyper-parameters")
    a("")
    a("```json")
    a(json.dumps(card["algorithm"], indent=2))
    a("```")
    a("")
    a("Teacher selection (5-fold CV, mean validation AUC per iteration, best iteration):")
    a("")
    a("| depth | learning rate | l2 | best iterations | mean CV AUC |")
    a("|---|---|---|---|---|")
    for g in card["teacher"]["grid"]:
        a(f"| {g['depth']} | {g['learningRate']} | {g['l2LeafReg']} | {g['bestIterations']} | {fmt(g['meanCvRocAuc'])} |")
    a("")
    a("## Limitations")
    a("")
    for s in card["limitations"]:
        a(f"- {s}")
    a("")
    a("## Versions")
    a("")
    a(", ".join(f"{k} {v}" for k, v in card["libraries"].items()))
    a("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA,
                    help="bank-full.csv; a relative path is resolved against the repository root "
                         f"(default {DEFAULT_DATA})")
    ap.add_argument("--trained-at", default=TRAINED_AT,
                    help=f"timestamp written to the card (default: the constant {TRAINED_AT}, for byte-stable output)")
    ap.add_argument("--out-dir", default=str(MODEL_DIR), help="where model.onnx / model.json / fixtures go")
    ap.add_argument("--docs", default=str(REPO_ROOT / "docs" / "model-card.md"), help="markdown card path")
    args = ap.parse_args()

    data_path = Path(args.data)
    if not data_path.is_absolute():
        data_path = (REPO_ROOT / data_path).resolve()
    out_dir = Path(args.out_dir)
    (out_dir / "fixtures").mkdir(parents=True, exist_ok=True)
    onnx_path = out_dir / "model.onnx"

    log(f"loading {data_path}")
    df = load_data(data_path)
    data_sha = sha256_file(data_path)
    idx = np.arange(len(df))
    is_test = idx % 5 == 4
    tr = df[~is_test].reset_index(drop=True)
    te = df[is_test].reset_index(drop=True)
    te_rows = idx[is_test]
    y_tr = tr["y"].to_numpy()
    y_te = te["y"].to_numpy()
    log(f"rows {len(df)}: train {len(tr)} (pos {y_tr.mean():.4f}), hold-out {len(te)} (pos {y_te.mean():.4f})")

    stats = fit_encoding(tr)
    cols = column_names()
    X_tr = encode(tr, stats)
    X_te = encode(te, stats)
    F = X_tr.shape[1]
    assert F == len(cols)
    folds = stratified_folds(y_tr)

    # ---------------- teacher selection ----------------
    from sklearn.metrics import roc_auc_score
    grid_out = []
    best = None
    fold_models = {}
    for gi, params in enumerate(TEACHER_GRID):
        curves, models = [], []
        for fi, (a, b) in enumerate(folds):
            m = fit_teacher(X_tr[a], y_tr[a], params, TEACHER_MAX_ITER, eval_set=(X_tr[b], y_tr[b]))
            curves.append(m.get_evals_result()["validation"]["AUC"])
            models.append(m)
        mean_curve = np.mean(np.array(curves), axis=0)
        it = int(np.argmax(mean_curve)) + 1
        grid_out.append({"depth": params["depth"], "learningRate": params["learning_rate"],
                         "l2LeafReg": params["l2_leaf_reg"], "bestIterations": it,
                         "meanCvRocAuc": r6(mean_curve[it - 1])})
        log(f"teacher {params} -> best {it} iterations, mean CV AUC {mean_curve[it - 1]:.4f}")
        if best is None or mean_curve[it - 1] > best[2]:
            best = (gi, it, mean_curve[it - 1])
        fold_models[gi] = models
    bgi, teacher_iters, _ = best
    tparams = TEACHER_GRID[bgi]
    log(f"chosen teacher: {tparams}, {teacher_iters} iterations")

    # ---------------- student CV (out-of-fold predictions) ----------------
    oof = np.zeros(len(tr))
    oof_teacher = np.zeros(len(tr))
    per_fold = []
    epochs = []
    for fi, (a, b) in enumerate(folds):
        teacher = fold_models[bgi][fi]  # trained on fold-train only; truncated to teacher_iters trees
        oof_teacher[b] = 1 / (1 + np.exp(-teacher_logit(teacher, X_tr[b], teacher_iters)))
        st = distill(X_tr[a], y_tr[a], teacher, teacher_iters, SEED + fi)
        oof[b] = student_predict_np(st, X_tr[b])
        per_fold.append(roc_auc_score(y_tr[b], oof[b]))
        epochs.append(st.n_iter_)
        log(f"fold {fi}: student AUC {per_fold[-1]:.4f} (teacher {roc_auc_score(y_tr[b], oof_teacher[b]):.4f}), {st.n_iter_} epochs")
    del fold_models

    decision_threshold = f1_threshold(y_tr, oof)
    hot = r6(np.quantile(oof, 1 - HOT_TOP_FRACTION))
    warm = r6(np.quantile(oof, 1 - HOT_TOP_FRACTION - WARM_NEXT_FRACTION))
    log(f"OOF AUC {roc_auc_score(y_tr, oof):.4f}; threshold {decision_threshold}; hot {hot}; warm {warm}")

    # ---------------- final fit ----------------
    teacher = fit_teacher(X_tr, y_tr, tparams, teacher_iters)
    student = distill(X_tr, y_tr, teacher, 0, SEED + 100)
    log(f"final student trained ({student.n_iter_} epochs)")

    meta = {"modelVersion": MODEL_VERSION, "nFeatures": F, "columns": ",".join(cols)}
    export_onnx(student, F, onnx_path, meta)
    onnx_sha = sha256_file(onnx_path)
    p_te = ort_predict(onnx_path, X_te).astype(np.float64)
    p_ref = student_predict_np(student, X_te)
    max_diff = float(np.abs(p_te - p_ref).max())
    log(f"onnxruntime vs sklearn (float64) max |diff| = {max_diff:.2e}")
    if max_diff > 1e-4:
        raise SystemExit("ONNX export does not match the trained student")
    p_teacher_te = 1 / (1 + np.exp(-teacher_logit(teacher, X_te)))
    ops = onnx_ops(onnx_path)
    forbidden = {"TreeEnsembleClassifier", "TreeEnsembleRegressor", "Scaler", "OneHotEncoder", "ZipMap"}
    assert not (set(ops) & forbidden), ops

    # ---------------- metrics ----------------
    holdout = binary_metrics(y_te, p_te, decision_threshold)
    oof_metrics = binary_metrics(y_tr, oof, decision_threshold)
    log(f"HOLD-OUT ROC AUC {holdout['rocAuc']}  PR AUC {holdout['prAuc']}  Brier {holdout['brierScore']}")

    # ---------------- references for explanations ----------------
    def reference(f):
        if f in CATEGORIES:
            vc = tr[f].value_counts()
            top = vc[vc == vc.max()].index
            return sorted(top, key=CATEGORIES[f].index)[0]
        return int(np.median(tr[f].to_numpy())) if float(np.median(tr[f].to_numpy())).is_integer() \
            else r6(np.median(tr[f].to_numpy()))

    features = []
    tensor_columns = []
    ci = 0
    for f in FEATURE_ORDER:
        ent = {"name": f, "description": DESCRIPTIONS[f]}
        if f in CATEGORIES:
            cats = CATEGORIES[f]
            ent.update({
                "kind": "categorical",
                "categories": cats,
                "columns": list(range(ci, ci + len(cats))),
                "encoding": "one-hot: column[start + i] = 1.0 if x == categories[i] else 0.0; "
                            "a value not in categories is an error",
                "encodingSummary": f"one-hot, {len(cats)} columns",
            })
            for c in cats:
                tensor_columns.append({"index": ci, "name": f"{f}={c}", "feature": f,
                                       "formula": f"{f} == \"{c}\" ? 1 : 0"})
                ci += 1
        elif f == "pdays":
            s = stats["pdays"]
            ent.update({
                "kind": "numeric",
                "transform": "pdays",
                "neverContactedValue": -1,
                "mean": s["mean"], "std": s["std"],
                "columns": [ci, ci + 1],
                "encoding": {
                    "pdays_never": "1.0 if x == -1 else 0.0",
                    "pdays_log1p": "((x == -1 ? 0 : ln(1 + x)) - mean) / std",
                },
                "validation": "x must be -1 (never contacted) or >= 0",
                "encodingSummary": f"2 columns: `x == -1 ? 1 : 0`, then `((x == -1 ? 0 : ln(1+x)) - {s['mean']}) / {s['std']}`",
            })
            tensor_columns.append({"index": ci, "name": "pdays_never", "feature": f, "formula": "pdays == -1 ? 1 : 0"})
            tensor_columns.append({"index": ci + 1, "name": "pdays_log1p", "feature": f,
                                   "formula": f"((pdays == -1 ? 0 : ln(1 + pdays)) - {s['mean']}) / {s['std']}"})
            ci += 2
        else:
            s = stats[f]
            t = NUMERIC_TRANSFORMS[f]
            inner = {"identity": "x", "log1p": "ln(1 + x)", "signed_log1p": "sign(x) * ln(1 + |x|)"}[t]
            ent.update({
                "kind": "numeric",
                "transform": t,
                "mean": s["mean"], "std": s["std"],
                "columns": [ci],
                "encoding": f"({inner} - mean) / std",
                "encodingSummary": f"`({inner} - {s['mean']}) / {s['std']}`",
            })
            if t == "log1p":
                ent["validation"] = "x must be >= 0"
            tensor_columns.append({"index": ci, "name": f, "feature": f,
                                   "formula": f"({inner.replace('x', f)} - {s['mean']}) / {s['std']}"})
            ci += 1
        if f not in CATEGORIES:
            ent["observedMin"] = int(df[f].min())
            ent["observedMax"] = int(df[f].max())
        ent["reference"] = reference(f)
        features.append(ent)
    assert ci == F

    libs = {"python": platform.python_version()}
    for pkg in ["numpy", "pandas", "scikit-learn", "catboost", "onnx", "onnxruntime", "threadpoolctl"]:
        libs[pkg] = metadata.version(pkg)

    from sklearn.metrics import roc_auc_score as _auc
    card = {
        "modelVersion": MODEL_VERSION,
        "trainedAt": args.trained_at,
        "trainedAtNote": "fixed value from train.py --trained-at (default constant) so reruns are byte-identical",
        "task": "Pre-call lead scoring: probability that a bank customer subscribes a term deposit (UCI Bank "
                "Marketing, y = yes) if called, using only information available before the call.",
        "data": {
            "file": data_path.name,
            "path": args.data if not Path(args.data).is_absolute() else data_path.name,
            "sha256": data_sha,
            "rows": int(len(df)),
            "positives": int(df["y"].sum()),
            "baseRate": r6(df["y"].mean()),
            "source": "UCI Bank Marketing (Moro et al.), bank-full.csv, May 2008 - Nov 2010, ordered by date",
        },
        "split": {
            "holdout": HOLDOUT_RULE,
            "holdoutRows": int(len(te)),
            "trainingRows": int(len(tr)),
            "cv": f"Tuning and all thresholds use {N_FOLDS}-fold stratified CV on the training rows only "
                  f"(sklearn StratifiedKFold, shuffle=True, random_state={SEED}). The hold-out is scored once, "
                  "after everything is fixed.",
        },
        "algorithm": {
            "summary": "Dense MLP (student) distilled from a CatBoost gradient-boosted oblivious-tree model "
                       "(teacher). Only the student is exported; it is plain Gemm/Relu/Sigmoid, so tract runs it "
                       "fast. The student is trained to reproduce the teacher's logit on the training rows plus "
                       "feature-swap augmented rows labelled by the teacher.",
            "exported": {
                "type": "MLP",
                "layers": [F] + STUDENT["hiddenLayers"] + [1],
                "activation": "relu (hidden), sigmoid (output)",
                "parameters": int(sum(w.size for w in student.coefs_) + sum(b.size for b in student.intercepts_)),
                "multiplyAddsPerRow": int(sum(w.size for w in student.coefs_)),
                "implementation": "scikit-learn MLPRegressor on the teacher logit; weights written to ONNX by hand",
                **{k: v for k, v in STUDENT.items() if k not in ("hiddenLayers", "activation")},
                "epochsTrained": int(student.n_iter_),
                "randomState": SEED + 100,
            },
            "teacher": {
                "type": "CatBoostClassifier (oblivious trees, Logloss)",
                "depth": tparams["depth"],
                "learningRate": tparams["learning_rate"],
                "l2LeafReg": tparams["l2_leaf_reg"],
                "iterations": teacher_iters,
                "randomSeed": SEED,
                "threadCount": CATBOOST_THREADS,
                "input": "the same encoded tensor as the student",
            },
        },
        "teacher": {
            "grid": grid_out,
            "cvOofRocAuc": r6(_auc(y_tr, oof_teacher)),
            "holdoutRocAuc": r6(_auc(y_te, p_teacher_te)),
            "note": "reported for transparency; the teacher is not deployed",
        },
        "featureOrder": FEATURE_ORDER,
        "features": features,
        "nColumns": F,
        "tensorColumns": tensor_columns,
        "encodingNotes": [
            "Compute every column in float64 and cast to float32 at the end; mean and std are used exactly as written.",
            "ln is the natural logarithm; sign(x) is -1, 0 or 1.",
            "Categorical values are matched exactly (case-sensitive, as in the CSV). Unknown value => error (HTTP 400), never all-zeros.",
            "day and duration may be present in a payload and are ignored.",
        ],
        "explanations": EXPLANATIONS,
        "excludedFeatures": EXCLUDED,
        "decisionThreshold": decision_threshold,
        "decisionThresholdRule": "F1-maximising threshold on the pooled out-of-fold student probabilities of the "
                                 "training rows (not the hold-out). predictedClass = yes iff probability >= threshold.",
        "tierThresholds": {"hot": hot, "warm": warm},
        "tierRule": f"Hot = top {int(HOT_TOP_FRACTION * 100)}% and Warm = next {int(WARM_NEXT_FRACTION * 100)}% of the "
                    "pooled out-of-fold student probabilities of the training rows (quantiles 0.9 and 0.7). "
                    "probability >= hot => Hot; >= warm => Warm; else Cold.",
        "tiers": {
            "holdout": tier_table(y_te, p_te, hot, warm),
            "trainingOof": tier_table(y_tr, oof, hot, warm),
        },
        "holdoutMetrics": holdout,
        "holdoutDeciles": decile_table(y_te, p_te),
        "cvMetrics": {
            "folds": N_FOLDS,
            "oof": oof_metrics,
            "perFoldRocAuc": [r6(x) for x in per_fold],
            "meanRocAuc": r6(np.mean(per_fold)),
            "stdRocAuc": r6(np.std(per_fold)),
            "studentEpochsPerFold": [int(e) for e in epochs],
            "note": "Student OOF predictions: per fold, the teacher and the student are trained on the other 4 folds. "
                    "The teacher's iteration count was picked on the same folds, so CV is slightly optimistic; the "
                    "hold-out is not.",
        },
        "onnx": {
            "file": "model.onnx",
            "sha256": onnx_sha,
            "opset": OPSET,
            "irVersion": IR_VERSION,
            "ops": ops,
            "inputName": "input",
            "inputShape": ["N", F],
            "inputType": "float32",
            "outputName": "probability",
            "outputShape": ["N", 1],
            "outputType": "float32",
            "metadataProps": meta,
            "exportCheck": "onnxruntime vs scikit-learn float64 forward pass on the hold-out, max |diff| < 1e-4",
        },
        "limitations": [
            "The hold-out is interleaved in time with the training rows (every 5th row of a date-ordered file), so it "
            "measures performance on the 2008-2010 period, not on future campaigns. In exploratory forward-in-time "
            "checks (train on the first 60-90% of rows, test on the rest; model/analysis_day.py) gradient "
            "boosting reaches only 0.59-0.66 ROC AUC: the bank's campaigns changed a lot over time (the base rate is 3-6% in the first 60% of rows, 12-16% in the next 30% and 47% in the last 10%).",
            "month and contact = unknown partly act as time proxies: contact is unknown for every record in the "
            "first 28% of the file (May-July 2008) and rare afterwards, and mar/sep/oct/dec occur only in the small, "
            "late (2009-2010) waves with 44-52% conversion. They are kept because they are known before the call, "
            "but expect them to transfer less well than the customer attributes.",
            "Probabilities are calibrated to the 2008-2010 base rate (about 11.7%); a new campaign with a different "
            "base rate needs recalibration before probabilities are read as absolute conversion rates. The ranking "
            "(and therefore tiers by share) is the more robust output.",
            "campaign counts the contact being scored; for a first call pass campaign = 1.",
            "No fairness audit has been performed; age, marital status and job are used as features.",
        ],
        "libraries": libs,
    }
    (out_dir / "model.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {out_dir / 'model.json'}")

    # ---------------- parity fixtures ----------------
    rng = np.random.default_rng(SEED)
    rows = pick_fixture_rows(te, 300, rng)
    p_fix = ort_predict(onnx_path, X_te[rows])
    records = []
    for k, (i, p) in enumerate(zip(rows, p_fix)):
        rec = {
            "holdoutRow": int(te_rows[i]),
            "input": raw_record(te.iloc[i], with_duration=(k % 3 == 0)),
            "expectedProbability": float(np.float32(p)),
            "expectedTier": str(tier_of(np.array([float(p)]), hot, warm)[0]),
            "actual": "yes" if te["y"].iloc[i] == 1 else "no",
        }
        if k < 12:
            rec["encoded"] = [float(v) for v in X_te[i]]
        records.append(rec)
    invalid = []
    base = raw_record(te.iloc[rows[0]], with_duration=False)
    for key, val, why in [
        ("job", "astronaut", "unknown category for job"),
        ("month", "May", "categories are case-sensitive"),
        ("poutcome", "", "empty string is not a category"),
        ("pdays", -2, "pdays must be -1 or >= 0"),
        ("campaign", -1, "campaign must be >= 0 (log1p)"),
        ("previous", -3, "previous must be >= 0 (log1p)"),
    ]:
        r = dict(base)
        r[key] = val
        invalid.append({"input": r, "error": why})
    missing = dict(base)
    del missing["balance"]
    invalid.append({"input": missing, "error": "missing required feature balance"})
    fixtures = {
        "modelVersion": MODEL_VERSION,
        "onnxSha256": onnx_sha,
        "description": "Raw hold-out records as an API receives them, with the probability onnxruntime "
                       f"{metadata.version('onnxruntime')} computes on model.onnx from the Python encoding. "
                       "`encoded` (first records only) is the float32 input row, column by column. "
                       "`day` is always present and `duration` sometimes: both are ignored by the model.",
        "tolerance": 1e-5,
        "decisionThreshold": decision_threshold,
        "tierThresholds": {"hot": hot, "warm": warm},
        "columns": cols,
        "records": records,
        "invalidRecords": invalid,
    }
    (out_dir / "fixtures" / "parity.json").write_text(json.dumps(fixtures, indent=1) + "\n")
    log(f"wrote {len(records)} parity records")

    docs = Path(args.docs)
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(render_markdown(card))
    log(f"wrote {docs}")


if __name__ == "__main__":
    main()
