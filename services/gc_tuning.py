# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Python's garbage collector, set for a web server as Odoo 19 sets it.

With Python's default thresholds an Odoo 18 server runs a full collection about every second
under load, and each one stops every request thread for 100-170 ms (measured during
``bench/run-webhooks``): the slowest webhook answers are those pauses. Odoo 19 raises the
thresholds at start (``gc.set_threshold(12_000, 20, 25)``, only while they are Python's
defaults); this does the same on Odoo 18, once per process, unless the server's
configuration says ``mailchimp_tune_gc = False`` or something else set its own thresholds.
"""

#: the first threshold of Python's defaults: (700, 10, 10) up to 3.12, (2000, 10, 10) in 3.13
PYTHON_DEFAULT_FIRST = (700, 2000)
#: Odoo 19's thresholds ("handling requests can sometimes allocate over 5k new objects")
SERVER_THRESHOLDS = (12_000, 20, 25)
_OFF = {"0", "false", "no", "off"}


def tuning_enabled(value):
    """The configuration value ``mailchimp_tune_gc`` read as a flag (on when unset)."""
    if value is None or value is True:
        return True
    return str(value).strip().lower() not in _OFF


def tune_gc(gc_module, enabled=True):
    """Set :data:`SERVER_THRESHOLDS` when ``enabled`` and ``gc_module``'s thresholds are still
    Python's defaults. Returns the previous thresholds when it set them, else None."""
    if not enabled:
        return None
    current = tuple(gc_module.get_threshold())
    if not current or current[0] not in PYTHON_DEFAULT_FIRST:
        return None
    gc_module.set_threshold(*SERVER_THRESHOLDS)
    return current
