"""Train the line classifiers and write pipeline/models/boilerplate.npz
(the main model) and boilerplate_neutral.npz (for pages not in English).

    python -m bench.train_boilerplate            # needs ../shared and scikit-learn
    python -m bench.train_boilerplate --model neutral --neutral-out /tmp/n.npz

Data: the pages of ../shared/data/aeb and ../shared/data/wcxb-dev, rendered
as scraped text and labelled line by line (bench/linedata.py). Sites are
split into a training part and a held-out part (one site in five, by a hash
of the host name), so no site is in both; every figure printed is on the
held-out sites. The shipped model is the one trained on the training sites
only, so the figures describe it.

Steps, all with fixed seeds:
1. lexical model: logistic regression over hashed words and word pairs;
   its out-of-fold scores (folds grouped by site) become features;
2. gradient-boosted trees over the line features and lexical scores;
3. decision threshold and smoothing penalty chosen on out-of-fold
   predictions of the training sites (never on the held-out ones);
4. export to plain arrays.
The language-neutral model repeats steps 2-4 with the lexical scores and
the English stop-word share zeroed (``linemodel.LANGUAGE_FEATURES``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

from bench.linedata import cropped, load_pages
from bench.shared import hashed_matrix, require_shared
from pipeline.linefeatures import FEATURES
from pipeline.linemodel import (LEXICAL_BUCKETS, LEXICAL_CONTEXT, MODEL_PATH, NEUTRAL_MODEL_PATH, LineModel,
                                add_lexical_context, language_neutral_matrix, lexical_buckets, smooth)

SEED = 0
FOLDS = 4
TREES = dict(max_iter=300, learning_rate=0.08, max_leaf_nodes=31, min_samples_leaf=40, l2_regularization=1.0)
LEXICAL_C = 2.0
# News pages (aeb) count this many times as much as the wcxb-dev pages, most
# of which are not news; the product cleans news.
SET_WEIGHTS = {"aeb": 1.0, "wcxb-dev": 1.0}
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
PENALTIES = (0.0, 0.5, 1.0, 2.0)


def lexical_matrix(pages):
    return hashed_matrix([line for page in pages for line in page.lines], lexical_buckets, LEXICAL_BUCKETS)


def fit_lexical(X, y):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=LEXICAL_C, max_iter=500, solver="liblinear", random_state=SEED).fit(X, y)


def fit_trees(X, y, weights=None):
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(random_state=SEED, **TREES).fit(X, y, sample_weight=weights)


def line_weights(pages):
    """Per-line sample weights, or None when every set weighs the same (the
    shipped model: aeb weighted 3x measured 0.920/0.947 held-out on
    aeb/wcxb-dev against 0.918/0.951)."""
    if len(set(SET_WEIGHTS.values())) == 1:
        return None
    return np.concatenate([np.full(len(p.lines), SET_WEIGHTS[p.set]) for p in pages])


def with_lexical(pages, lexical):
    out, offset = [], 0
    for page in pages:
        n = len(page.lines)
        out.append(add_lexical_context(page.features, lexical[offset:offset + n]))
        offset += n
    return out


def page_scores(pages, keeps):
    from prf import prf  # ../shared/eval/prf.py
    scores = np.array([prf("\n".join(l for l, k in zip(p.lines, keep) if k), p.gold) for p, keep in zip(pages, keeps)])
    return scores.mean(axis=0) if len(scores) else np.zeros(3)


def export(trees, lexical_coef, lexical_intercept, threshold, penalty, info) -> LineModel:
    feature, thr, left, right, is_leaf, value, roots = [], [], [], [], [], [], []
    offset, depth = 0, 0
    for predictors in trees._predictors:
        nodes = predictors[0].nodes
        roots.append(offset)
        feature.append(nodes["feature_idx"].astype(np.int32))
        thr.append(nodes["num_threshold"].astype(np.float64))
        left.append(nodes["left"].astype(np.int32) + offset)
        right.append(nodes["right"].astype(np.int32) + offset)
        is_leaf.append(nodes["is_leaf"].astype(bool))
        value.append(nodes["value"].astype(np.float64))
        depth = max(depth, int(nodes["depth"].max()))
        offset += len(nodes)
    baseline = float(np.ravel(trees._baseline_prediction)[0])
    return LineModel(
        feature_names=FEATURES + LEXICAL_CONTEXT, lexical_coef=lexical_coef.astype(np.float32),
        lexical_intercept=lexical_intercept, baseline=baseline, feature=np.concatenate(feature),
        threshold=np.concatenate(thr), left=np.concatenate(left), right=np.concatenate(right),
        is_leaf=np.concatenate(is_leaf), value=np.concatenate(value), roots=np.array(roots, dtype=np.int32),
        depth=depth + 1, threshold_keep=threshold, smoothing=penalty, info=info)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=("both", "main", "neutral"), default="both",
                    help="which model to train: the main one, the language-neutral one, or both")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--neutral-out", default=str(NEUTRAL_MODEL_PATH))
    ap.add_argument("--aeb-weight", type=float, default=SET_WEIGHTS["aeb"])
    for name, value in TREES.items():  # the size of the tree ensemble: its speed against its accuracy
        ap.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    ap.add_argument("--max-depth", type=int, default=None, help="limit the depth of every tree")
    ap.add_argument("--exclude-sites", default="", help="comma-separated sites left out of training (to score "
                                                         "the pipeline on them as unseen sites)")
    ap.add_argument("--leave-out-quarter", type=int, choices=(0, 1, 2, 3),
                    help="train on about three quarters of the training sites (those with crc32(site) % 4 != K): "
                         "a point of the learning curve, scored on the same held-out sites")
    args = ap.parse_args()
    SET_WEIGHTS["aeb"] = args.aeb_weight
    TREES.update({name: getattr(args, name) for name in TREES})
    if args.max_depth:
        TREES["max_depth"] = args.max_depth
    require_shared()
    from sklearn.model_selection import GroupKFold

    t0 = time.time()
    pages = load_pages()
    rng = np.random.default_rng(SEED)
    # Every page twice: whole, and cropped close to its article (linedata.cropped).
    excluded = set(filter(None, args.exclude_sites.split(",")))
    if args.leave_out_quarter is not None:
        excluded |= {p.site for p in pages if zlib.crc32(p.site.encode()) % 4 == args.leave_out_quarter}
    train = [p for p in pages if not p.held_out and p.site not in excluded]
    train = train + [cropped(p, rng) for p in train]
    held = [p for p in pages if p.held_out]
    held_cropped = [cropped(p, rng) for p in held]
    print(f"pages: {len(train)} training ({len({p.site for p in train})} sites), "
          f"{len(held)} held out ({len({p.site for p in held})} sites); read in {time.time() - t0:.0f} s")
    y = np.concatenate([p.labels for p in train]).astype(int)
    info = {"trained_on": "aeb + wcxb-dev, training sites, whole and cropped",
            "held_out": "sites with crc32(host) % 5 == 0", "seed": SEED, "trees": TREES, "lexical_C": LEXICAL_C,
            "training_lines": int(len(y)), "set_weights": SET_WEIGHTS}
    out = {}

    if args.model in ("both", "main"):
        line_site = np.concatenate([[p.site] * len(p.lines) for p in train])
        folds = list(GroupKFold(FOLDS).split(np.zeros(len(y)), groups=line_site))
        X_lex = lexical_matrix(train)
        lex_oof = np.zeros(len(y), dtype=np.float32)
        for a, b in folds:
            lex_oof[b] = fit_lexical(X_lex[a], y[a]).predict_proba(X_lex[b])[:, 1]
        lexical = fit_lexical(X_lex, y)
        trees, threshold, penalty = fit_with_oof(train, with_lexical(train, lex_oof))
        held_lex = [lexical.predict_proba(lexical_matrix(part))[:, 1].astype(np.float32)
                    for part in (held, held_cropped)]
        figures = {variant: evaluate(trees, with_lexical(part, lex), part, threshold, penalty, variant)
                   for variant, part, lex in (("whole", held, held_lex[0]), ("cropped", held_cropped, held_lex[1]))}
        model = export(trees, lexical.coef_.ravel(), float(lexical.intercept_[0]), threshold, penalty,
                       dict(info, held_out_figures=figures))
        # The exported arrays must reproduce scikit-learn's probabilities.
        check = with_lexical(held[:1], held_lex[0][:len(held[0].lines)])[0]
        assert np.allclose(model.predict_matrix(check), trees.predict_proba(check)[:, 1], atol=1e-5)
        out[args.out] = (model, figures)

    if args.model in ("both", "neutral"):
        # The same trees without the columns that only mean something in
        # English (the lexical scores and the stop-word share), for pages in
        # other languages.
        trees, threshold, penalty = fit_with_oof(train, [neutral_matrix(p) for p in train])
        figures = {variant: evaluate(trees, [neutral_matrix(p) for p in part], part, threshold, penalty,
                                     f"neutral {variant}")
                   for variant, part in (("whole", held), ("cropped", held_cropped))}
        model = export(trees, np.zeros(0, dtype=np.float32), 0.0, threshold, penalty,
                       dict(info, held_out_figures=figures, language_neutral=True))
        check = neutral_matrix(held[0])
        assert np.allclose(model.predict_matrix(check), trees.predict_proba(check)[:, 1], atol=1e-5)
        out[args.neutral_out] = (model, figures)

    for path, (model, figures) in out.items():
        model.save(path)
        print(f"wrote {path} ({Path(path).stat().st_size / 1024:.0f} KiB)")
        json.dump(figures, sys.stdout, indent=1)
        print()
    print(f"done in {time.time() - t0:.0f} s")


def neutral_matrix(page) -> np.ndarray:
    return language_neutral_matrix(page.features, FEATURES + LEXICAL_CONTEXT)


def fit_with_oof(train, train_X):
    """Trees fitted on all training pages, with the decision threshold and
    smoothing penalty chosen on out-of-fold predictions (folds by site)."""
    from sklearn.model_selection import GroupKFold
    page_site = np.array([p.site for p in train])
    oof = [None] * len(train)
    for a, b in GroupKFold(FOLDS).split(np.zeros(len(train)), groups=page_site):
        model = fit_trees(np.vstack([train_X[i] for i in a]), np.concatenate([train[i].labels for i in a]),
                          line_weights([train[i] for i in a]))
        for i in b:
            oof[i] = model.predict_proba(train_X[i])[:, 1]
    best = max(((page_scores(train, [smooth(q, pen, th) for q in oof])[2], th, pen)
                for th in THRESHOLDS for pen in PENALTIES))
    _, threshold, penalty = best
    print(f"chosen on training sites, out of fold: threshold {threshold}, smoothing {penalty} (F1 {best[0]:.4f})")
    y = np.concatenate([p.labels for p in train]).astype(int)
    return fit_trees(np.vstack(train_X), y, line_weights(train)), threshold, penalty


def evaluate(trees, held_X, held, threshold, penalty, variant):
    figures = {}
    for name in ("aeb", "wcxb-dev", "all"):
        sub = [i for i, p in enumerate(held) if name in ("all", p.set)]
        pages_sub = [held[i] for i in sub]
        probs = [trees.predict_proba(held_X[i])[:, 1] for i in sub]
        figures[name] = {
            "pages": len(sub),
            "as_is": page_scores(pages_sub, [np.ones(len(p.lines), bool) for p in pages_sub]).round(4).tolist(),
            "label_ceiling": page_scores(pages_sub, [p.labels.astype(bool) for p in pages_sub]).round(4).tolist(),
            "model": page_scores(pages_sub, [smooth(q, penalty, threshold) for q in probs]).round(4).tolist(),
        }
        f = figures[name]
        print(f"held-out {variant:7s} {name:8s} pages={f['pages']:3d}  P/R/F1 as is {f['as_is']}  "
              f"model {f['model']}  label ceiling {f['label_ceiling']}")
    return figures


if __name__ == "__main__":
    main()
