"""Luigi tasks of the news corpus cleaner: ``luigi --module tasks CleanCorpus``."""
import luigi.configuration

# Defaults that make the command safe to run from cron in any folder: a
# failed task, a scheduling error or missing input exits non-zero, retries
# are bounded, and the embedded scheduler is used unless a config says
# otherwise. A luigi.cfg (or LUIGI_CONFIG_PATH) that sets any of these wins.
_DEFAULTS = {
    "core": {"local_scheduler": "true"},
    "retcode": {"already_running": "10", "missing_data": "20", "not_run": "25", "task_failed": "30",
                "scheduling_error": "35", "unhandled_exception": "40"},
    "scheduler": {"retry_count": "2", "retry_delay": "10"},
    "worker": {"max_reschedules": "1"},
}


def _apply_defaults() -> None:
    config = luigi.configuration.get_config()
    for section, options in _DEFAULTS.items():
        if not config.has_section(section):
            config.add_section(section)
        for key, value in options.items():
            if not config.has_option(section, key) and not config.has_option(section, key.replace("_", "-")):
                config.set(section, key, value)


_apply_defaults()

from .corpus import CleanCorpus, CleanShard, DeduplicateRun, PublishRun, Retract  # noqa: E402
from .errors import install as _install_error_filter  # noqa: E402

_install_error_filter()

__all__ = ["CleanCorpus", "CleanShard", "DeduplicateRun", "PublishRun", "Retract"]
