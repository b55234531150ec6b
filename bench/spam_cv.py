"""How the spam detector does on comment spam from videos it never saw:
cross-validation over the training parts of ``bench/train_spam.py`` alone.

    python -m bench.spam_cv [--chrome-weight 0 1] [--c 1.0] [--targets 0.0035 0.005 0.007]

Each of youtube-spam's training files is left out in turn; the model is
trained as ``bench/train_spam.py`` trains it on the others (with the
training half of sms-spam and the news lines of half of the training
sites), its threshold set to flag at most ``target`` of that half's article
lines, and the whole detector (rules and model, ``spam.spam_verdict``) is
scored on the file left out (recall, precision) and on the article lines of
the other half of the training sites (the share flagged). Nothing held out
by ``bench/train_spam.py`` is read, so the choices made here leave its
held-out figures unseen. Needs scikit-learn (the ``train`` extra).
"""
from __future__ import annotations

import argparse
import zlib

import numpy as np

from bench.linedata import load_pages
from bench.shared import require_shared
from bench.spam_eval import sms, sms_held_out, youtube
from bench.train_spam import SEED, YOUTUBE_HELD_OUT, matrix
from pipeline.spam import SPAM_SCORE, SpamModel, spam_score, spam_verdict


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chrome-weight", type=float, nargs="+", default=[0.0, 1.0],
                    help="weights of the news pages' chrome lines as ham to compare")
    ap.add_argument("--c", type=float, nargs="+", default=[1.0], help="inverse regularisation strengths to compare")
    ap.add_argument("--targets", type=float, nargs="+", default=[0.0035, 0.005, 0.007],
                    help="shares of article lines the threshold may flag")
    args = ap.parse_args()
    require_shared()
    from sklearn.linear_model import LogisticRegression
    comments = [(t, y, f) for t, y, f in youtube(with_file=True) if f not in YOUTUBE_HELD_OUT]
    files = sorted({f for _, _, f in comments})
    sms_train = [(t, y) for t, y in sms() if not sms_held_out(t)]
    pages = [p for p in load_pages() if not p.held_out]
    half = {p.site: zlib.crc32(p.site.encode()) % 2 for p in pages}
    fit_pages = [p for p in pages if half[p.site] == 0]
    articles_fit = [line for p in fit_pages for line, y in zip(p.lines, p.labels) if y and len(line.split()) >= 5]
    articles_check = [line for p in pages if half[p.site] == 1
                      for line, y in zip(p.lines, p.labels) if y and len(line.split()) >= 5]
    by_rules = np.array([spam_score(line) >= SPAM_SCORE for line in articles_fit])
    print(f"{len(files)} youtube files in turn; threshold on {len(articles_fit)} article lines, "
          f"false positives counted on {len(articles_check)}")
    for chrome_weight in args.chrome_weight:
        news = [(line, 0, 1.0 if y else chrome_weight) for p in fit_pages for line, y in zip(p.lines, p.labels)
                if y or chrome_weight > 0]
        for c in args.c:
            found: dict[float, list[tuple[float, float, float]]] = {t: [] for t in args.targets}
            for left_out in files:
                train = [(t, int(y), 1.0) for t, y, f in comments if f != left_out] + \
                        [(t, int(y), 1.0) for t, y in sms_train] + news
                X, y = matrix([t for t, _, _ in train]), np.array([s for _, s, _ in train])
                weights = np.array([w for _, _, w in train])
                weights[y == 1] = weights[y == 0].sum() / max(1, (y == 1).sum())
                fitted = LogisticRegression(C=c, max_iter=1000, solver="liblinear", random_state=SEED)
                fitted.fit(X, y, sample_weight=weights)
                model = SpamModel(coef=fitted.coef_.ravel().astype(np.float32),
                                  intercept=float(fitted.intercept_[0]), threshold=0.5, info={})
                scores = np.sort(model.probabilities([line for line, r in zip(articles_fit, by_rules) if not r]))[::-1]
                test = [(t, y) for t, y, f in comments if f == left_out]
                truth = np.array([y for _, y in test])
                for target in args.targets:
                    model.threshold = float(scores[max(0, int(target * len(articles_fit)) - int(by_rules.sum()))]
                                            + 1e-6)
                    hits = np.array([spam_verdict(t, model) is not None for t, _ in test])
                    flagged = np.mean([spam_verdict(line, model) is not None for line in articles_check])
                    found[target].append(((hits & truth).sum() / truth.sum(),
                                          (hits & truth).sum() / max(1, hits.sum()), flagged))
            for target, rows in found.items():
                r = np.array(rows)
                print(f"chrome weight {chrome_weight:g}, C {c:g}, threshold at {target:.2%} of article lines: "
                      f"recall {r[:, 0].mean():.3f} ({' '.join(f'{x:.3f}' for x in r[:, 0])}), "
                      f"precision {r[:, 1].mean():.3f}, article lines flagged {r[:, 2].mean():.2%}")


if __name__ == "__main__":
    main()
