import gc
import logging

from odoo.tools import config

from . import controllers, models, wizards
from .services.gc_tuning import tune_gc, tuning_enabled

_logger = logging.getLogger(__name__)


def _post_load():
    """Once per server process, when the addon is first loaded: Python's garbage collector
    set as Odoo 19 sets it (services/gc_tuning.py; ``mailchimp_tune_gc = False`` in the
    server's configuration keeps Python's)."""
    previous = tune_gc(gc, tuning_enabled(config.get("mailchimp_tune_gc")))
    if previous:
        _logger.info(
            "garbage collector thresholds %s -> %s (as Odoo 19; mailchimp_tune_gc = False "
            "keeps Python's)",
            previous,
            gc.get_threshold(),
        )
