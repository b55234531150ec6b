"""Luigi wiring: parameters in, library calls, targets out.

    CleanCorpus ─▶ PublishRun ─▶ DeduplicateRun ─▶ CleanShard × N

A run is the set of raw files that are new or changed since the last
published run; its id is a hash of their contents and the settings, so a
run that died is found again, with its finished shards, by the next one.
"""
from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import shutil
import sys
import time

import luigi
import luigi.format
import luigi.interface

from pipeline import batch, extract
from pipeline.config import CleanConfig, ConfigError, DedupConfig, ReadConfig, fingerprint
from pipeline.corpus import (ABANDONED_BATCH_SECONDS, STATE, Plan, State, atomic_write, batch_dir, dumps_jsonl,
                             index_tokens, plan_batch, record_raw_folder, remove_abandoned_batches,
                             remove_stale_temporaries, state_lock, write_plan)
from pipeline.sources import split_name

log = logging.getLogger("luigi-interface")

# When this process started its run: the end-of-run summary's "took". (Luigi
# may call requires() more than once; a fresh time.time() there would
# measure from the last call.)
_STARTED = time.time()


class CorpusParams(luigi.Task):
    """Parameters shared by every task of a run (settable on the command
    line or in luigi.cfg under [CleanCorpus])."""

    raw_dir = luigi.Parameter(default="raw", description="folder of scraped articles (walked recursively)")
    clean_dir = luigi.Parameter(default="clean", description="folder the clean corpus and its state live in")
    # 1,000 rather than 500: each shard is a fresh process whose line caches
    # start empty (a site's chrome is hashed and scored again in each), so
    # halving the shards cut the 10k benchmark's cleaning CPU by 8% (user
    # time 56-57 -> 51-52 s, alternating runs), for ~70 MiB more at peak.
    shard_size = luigi.IntParameter(default=1000, significant=False,
                                    description="raw files per CleanShard task (shards run in parallel; recurring chrome is found within a shard)")
    min_words = luigi.IntParameter(default=CleanConfig.min_words,
                                   description="reject clean texts with fewer words (reason too_short)")
    max_spam_share = luigi.FloatParameter(default=CleanConfig.max_spam_share,
                                          description="reject documents whose removed spam exceeds this share")
    line_threshold = luigi.OptionalFloatParameter(
        default=None, description="line model probability at which a line is kept (default: the model's own)")
    smoothing = luigi.OptionalFloatParameter(
        default=None, description="penalty for switching between article and boilerplate from line to line "
                                  "(default: the model's own; 0 = plain threshold)")
    recurring_min_docs = luigi.IntParameter(
        default=CleanConfig.recurring_min_docs,
        description="a short line in this many documents of a shard is site chrome (0: off)")
    # Plain parameters, checked by CleanConfig: a value Luigi's ChoiceParameter
    # refuses ends the command as an uncaught exception (exit code 40, a
    # traceback); the config's check is one line and exit code 35, as for
    # every other bad value.
    html_bias = luigi.Parameter(default=CleanConfig.html_bias,
                                description="trafilatura's bias for HTML pages: balanced, precision or recall")
    html_cleaning = luigi.Parameter(default=CleanConfig.html_cleaning,
                                    description="cleaning of trafilatura's output: light (chrome lines, "
                                                "credits, link spam) or full (the text-mode line model)")
    html_fallback = luigi.FloatParameter(default=CleanConfig.html_fallback,
                                         description="HTML: take the whole page cleaned as scraped text when it "
                                                     "has more than this many times the words of trafilatura's "
                                                     "result (0: off)")
    drop_captions = luigi.BoolParameter(default=CleanConfig.drop_captions, parsing=luigi.BoolParameter.EXPLICIT_PARSING,
                                        description="remove photo captions and credits")
    dedup_threshold = luigi.FloatParameter(default=DedupConfig.threshold,
                                           description="Jaccard similarity at which two texts are copies")
    dedup_containment = luigi.FloatParameter(default=DedupConfig.containment,
                                             description="share of a shorter text inside a longer one that "
                                                         "makes it an abridged copy")
    dedup_redis = luigi.OptionalParameter(
        default=None, description="keep the published dedup index in Redis (redis://host:port/db), shared by "
                                  "processes and machines; default: rebuilt in memory from the clean folder")
    shingle_size = luigi.IntParameter(default=DedupConfig.shingle_size, description="word n-gram size for MinHash")
    num_perm = luigi.IntParameter(default=DedupConfig.num_perm, description="MinHash permutations")
    doc_time_limit = luigi.FloatParameter(default=CleanConfig.doc_time_limit,
                                          description="seconds one document may take to extract and clean "
                                                      "before it is rejected as timeout (0: no limit)")
    max_passes = luigi.IntParameter(default=CleanConfig.max_passes,
                                    description="cleaning passes until the text no longer changes (idempotent); "
                                                "1: one pass, about a quarter less cleaning time, not idempotent")
    languages = luigi.Parameter(default="", description="publish only articles in these languages (ISO 639-1, "
                                                          "comma-separated; an article whose language is not clear "
                                                          "is kept); default: all")
    max_doc_bytes = luigi.IntParameter(default=ReadConfig.max_doc_bytes,
                                       description="larger documents (after gunzip) are rejected as too_large")

    jsonl_html_fields = luigi.Parameter(default=",".join(ReadConfig.jsonl_html_fields),
                                        description="fields of a JSONL record holding its page (HTML), tried "
                                                    "in order, comma-separated")
    jsonl_text_fields = luigi.Parameter(default=",".join(ReadConfig.jsonl_text_fields),
                                        description="fields of a JSONL record holding its text, tried in order "
                                                    "after the HTML fields, comma-separated")

    def configs(self) -> tuple[ReadConfig, CleanConfig, DedupConfig]:
        return (ReadConfig(max_doc_bytes=self.max_doc_bytes,
                           jsonl_html_fields=_names(self.jsonl_html_fields),
                           jsonl_text_fields=_names(self.jsonl_text_fields)),
                CleanConfig(html_bias=self.html_bias, html_cleaning=self.html_cleaning,
                            html_fallback=self.html_fallback, drop_captions=self.drop_captions, min_words=self.min_words,
                            max_spam_share=self.max_spam_share, line_threshold=self.line_threshold,
                            smoothing=self.smoothing, recurring_min_docs=self.recurring_min_docs,
                            doc_time_limit=self.doc_time_limit, max_passes=self.max_passes,
                            languages=_names(self.languages.lower())),
                DedupConfig(threshold=self.dedup_threshold, containment=self.dedup_containment,
                            shingle_size=self.shingle_size, num_perm=self.num_perm,
                            tokens=self._tokens()))

    def _tokens(self) -> int:
        # The clean folder's own scheme, read once per task object: the
        # publish step writes it, so it does not change during a run.
        if not hasattr(self, "_index_tokens"):
            self._index_tokens = index_tokens(self.clean_dir)
        return self._index_tokens

    def shared(self) -> dict:
        return {name: getattr(self, name) for name, _ in CorpusParams.get_params()}


def _names(listed: str) -> tuple[str, ...]:
    """A comma-separated list of field names (none: an empty string)."""
    return tuple(name.strip() for name in listed.split(",")) if listed.strip() else ()


class CleanShard(CorpusParams, luigi.Task):
    """Read, extract, normalise, clean and fingerprint one shard of a run."""

    run_id = luigi.Parameter()
    shard = luigi.IntParameter()

    def output(self):
        base = batch_dir(self.clean_dir, self.run_id) / "shards" / f"{self.shard:05d}"
        return {name: luigi.LocalTarget(f"{base}{suffix}", format=luigi.format.Nop)
                for name, suffix in batch.SHARD_FILES.items()}

    def run(self) -> None:
        if _published(self.clean_dir, self.run_id):
            return  # another worker finished the run while this one waited
        plan = _load_plan(self.clean_dir, self.run_id)
        read_config, clean_config, dedup_config = self.configs()

        bar = _TerminalBar(f"shard {self.shard + 1}/{len(plan.shards)}")

        def progress(done: int, total: int) -> None:
            if done == total or done % 100 == 0:
                self.set_progress_percentage(round(100 * done / total))
                self.set_status_message(f"{done}/{total} documents cleaned")
            bar.show(done, total)

        shard = batch.clean_shard(self.raw_dir, plan, self.shard, read_config, clean_config, dedup_config, progress)
        out = self.output()
        with state_lock(self.clean_dir):
            if _published(self.clean_dir, self.run_id):
                return  # published while this worker cleaned the shard again: leave no shard file behind
            with contextlib.ExitStack() as stack:
                batch.write_shard(shard, {name: stack.enter_context(target.open("w")) for name, target in out.items()})


class DeduplicateRun(CorpusParams, luigi.Task):
    """Exact and near-duplicate decisions for a whole run, against the
    published index: one task, because the index is global state."""

    run_id = luigi.Parameter()

    def requires(self):
        plan = _load_plan(self.clean_dir, self.run_id)
        return [CleanShard(run_id=self.run_id, shard=i, **self.shared()) for i in range(len(plan.shards))]

    def output(self):
        return luigi.LocalTarget(str(batch_dir(self.clean_dir, self.run_id) / "decisions.jsonl"))

    def run(self) -> None:
        plan = _load_plan(self.clean_dir, self.run_id)
        _, _, dedup_config = self.configs()
        self.set_status_message("deduplicating against the published corpus")
        with state_lock(self.clean_dir):
            try:
                decisions = batch.decide(self.clean_dir, plan, _shards(self.input(), report=False), dedup_config,
                                         self.dedup_redis)
            except batch.RunAlreadyPublished:
                return  # deciding again against an index that holds this run would undo it
            atomic_write(_basis_path(self.clean_dir, self.run_id), json.dumps(State.load(self.clean_dir).segments))
        with self.output().open("w") as fh:
            fh.write(dumps_jsonl(decisions))


class PublishRun(CorpusParams, luigi.Task):
    """Write the run's articles, manifest records, reports and state."""

    run_id = luigi.Parameter()
    started = luigi.FloatParameter(default=0.0, significant=False, visibility=luigi.parameter.ParameterVisibility.HIDDEN)

    def requires(self):
        return DeduplicateRun(run_id=self.run_id, **self.shared())

    def output(self):
        return luigi.LocalTarget(str(batch_dir(self.clean_dir, self.run_id) / "published.json"))

    def run(self) -> None:
        if _published(self.clean_dir, self.run_id):
            return  # (then DeduplicateRun may have left no decisions to read)
        plan = _load_plan(self.clean_dir, self.run_id)
        shard_targets = self.requires().input()
        with self.input().open("r") as fh:
            decisions = [json.loads(line) for line in fh if line.strip()]
        self.set_status_message("publishing")
        dedup_config = self.configs()[2]
        with state_lock(self.clean_dir):
            if _published(self.clean_dir, self.run_id):
                return
            remove_stale_temporaries(self.clean_dir)
            basis = _basis_path(self.clean_dir, self.run_id)
            if not basis.exists() or json.loads(basis.read_text()) != State.load(self.clean_dir).segments:
                # Another run published after this one decided: decide again
                # against what is published now, so no copy slips through.
                log.info("PublishRun: another run published meanwhile; deduplicating %s again", self.run_id)
                decisions = batch.decide(self.clean_dir, plan, _shards(shard_targets, report=False), dedup_config,
                                         self.dedup_redis)
            summary = batch.publish(self.clean_dir, plan, _shards(shard_targets), decisions, dedup_config)
            with self.output().open("w") as fh:
                fh.write(json.dumps(summary, indent=2, sort_keys=True))
            abandoned = remove_abandoned_batches(self.clean_dir)
            if abandoned:
                log.info("PublishRun: removed the folders of runs never published, untouched for %d days: %s",
                         ABANDONED_BATCH_SECONDS // 86400, ", ".join(abandoned))
        shutil.rmtree(batch_dir(self.clean_dir, self.run_id) / "shards", ignore_errors=True)
        seconds = time.time() - self.started if self.started else None
        print(batch.format_summary(summary, seconds), file=sys.stderr)
        if summary.get("unreadable"):
            raise batch.UnreadableFiles(summary["unreadable"])  # published; the exit code tells cron


class CleanCorpus(CorpusParams, luigi.WrapperTask):
    """Process what is new in raw/ and publish it to clean/.

    Complete when no raw file is new or changed since the last published run.
    """

    def requires(self):
        if not hasattr(self, "_planned_tasks"):
            workers = luigi.interface.core().workers
            if workers < 1:
                # Luigi would schedule the run, run nothing and exit 0.
                raise ConfigError(f"--workers {workers} runs nothing: give 1 or more")
            read_config, clean_config, dedup_config = self.configs()
            plan = plan_batch(self.raw_dir, self.clean_dir, fingerprint(read_config, clean_config, dedup_config),
                              self.shard_size, workers=workers)
            if plan is not None or os.path.isdir(os.path.join(self.clean_dir, STATE)):
                record_raw_folder(self.raw_dir, self.clean_dir)  # (again where the raw folder moved)
            if plan is None:
                log.info("CleanCorpus: nothing new in %s", self.raw_dir)
                self._planned_tasks = []
            else:
                plan = write_plan(self.clean_dir, plan)
                log.info("CleanCorpus: run %s, %d new or changed files in %d shards",
                         plan.run, plan.file_count, len(plan.shards))
                if self.dedup_redis:
                    from pipeline import shared_index
                    shared_index.check_reachable(self.dedup_redis)  # before the shards' work, not after it
                # Before the shard processes fork from this one:
                html = [split_name(f.path)[1] in ("html", "warc") for f in plan.files]
                if not all(html) or clean_config.html_cleaning == "full" or clean_config.html_fallback:
                    # the line model's compiled code (~0.8 s to load), only
                    # where the full cleaner may run; imported here, as numba
                    # would slow every scheduled start
                    from pipeline import compiled
                    compiled.warm_up()
                if any(html):
                    extract.warm_up()
                # Luigi forks a process per task from this one. Objects that
                # exist now are left out of garbage collection from here on, so
                # that a child's collections do not write to (and so copy) every
                # page of the parent's heap, which trafilatura's date parser
                # makes large: on 890 HTML pages in 26 shards, the work of the
                # shard processes fell from 59-69 to 50-55 worker-seconds.
                gc.collect()
                gc.freeze()
                self._planned_tasks = [PublishRun(run_id=plan.run, started=_STARTED, **self.shared())]
        return self._planned_tasks


class _TerminalBar:
    """A progress bar on an interactive terminal; nothing under cron or in
    a log file (stderr is not a terminal there)."""

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.last = -1.0

    def show(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        width = 30
        filled = round(width * done / total)
        end = "\n" if done == total else ""
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents{end}")
        self.stream.flush()


def _published(clean_dir: str, run_id: str) -> bool:
    """Whether the run is already published. With several workers on a
    central scheduler, a worker that found a task incomplete may be handed
    it after another worker published the run (the scheduler takes the
    worker's word that the task is pending); it must then do nothing.
    PublishRun writes ``published.json`` before it releases the state
    lock, so under the lock this answer is final."""
    return (batch_dir(clean_dir, run_id) / "published.json").exists()


def _basis_path(clean_dir: str, run_id: str):
    """The published runs a run's decisions were made against."""
    return batch_dir(clean_dir, run_id) / "decisions-basis.json"


def _load_plan(clean_dir: str, run_id: str) -> Plan:
    return Plan.from_json((batch_dir(clean_dir, run_id) / "plan.json").read_text(encoding="utf-8"))


def _shards(shard_targets, report: bool = True):
    return batch.iter_shards(({name: target.path for name, target in t.items()} for t in shard_targets), report)


class Retract(luigi.Task):
    """Withdraw published articles (a takedown request, a retraction):

        luigi --module tasks Retract --ids "sub/story,feed#3" --reason "takedown request 2026-11-25"

    Each one's manifest record becomes ``retracted`` with the reason, its
    text is deleted, and it is never published again (``corpus.retract``).
    Complete once every id given is withdrawn, so running it again does
    nothing."""

    clean_dir = luigi.Parameter(default="clean", description="the clean folder the articles were published in")
    ids = luigi.Parameter(default="", description="ids of published articles, comma-separated")
    ids_file = luigi.OptionalParameter(default=None, description="a file of ids of published articles, one a line")
    reason = luigi.Parameter(default="retracted", description="why, recorded in each article's manifest record")

    def wanted(self) -> list[str]:
        wanted = list(_names(self.ids))
        if self.ids_file:
            with open(self.ids_file, encoding="utf-8") as fh:
                wanted += [line.strip() for line in fh if line.strip()]
        if any(not doc_id for doc_id in wanted):
            raise ConfigError(f"an empty id in --ids {self.ids!r}")
        return wanted

    def complete(self) -> bool:
        from pipeline.corpus import read_manifest, text_path
        from pipeline.document import RETRACTED
        wanted = self.wanted()
        records = read_manifest(self.clean_dir, only=set(wanted))
        # (a text left by a retraction cut short is deleted by running it again)
        return bool(wanted) and all(records.get(i, {}).get("status") == RETRACTED
                                    and not text_path(self.clean_dir, i).exists() for i in wanted)

    def run(self) -> None:
        from pipeline.corpus import retract
        done = retract(self.clean_dir, self.wanted(), self.reason)
        log.info("Retract: %d article%s withdrawn from %s%s", len(done), "" if len(done) == 1 else "s",
                 self.clean_dir, f" ({', '.join(done[:10])}{', ...' if len(done) > 10 else ''})" if done else "")
