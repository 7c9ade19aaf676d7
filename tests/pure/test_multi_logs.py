"""The multi-process suite's reading of a server log (tests/multi/cluster.py): no Odoo."""

import importlib.util
from pathlib import Path

CLUSTER = Path(__file__).resolve().parents[1] / "multi" / "cluster.py"


def _cluster():
    spec = importlib.util.spec_from_file_location("multi_cluster", CLUSTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_a_bad_query_odoo_retried_itself_is_not_an_error(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(
        "2026-12-06 23:00:00,001 11 ERROR db odoo.sql_db: bad query: UPDATE res_partner\n"
        "ERROR: could not serialize access due to concurrent update\n"
        "2026-12-06 23:00:00,002 11 INFO db odoo.service.model: SERIALIZATION_FAILURE, 4 tries"
        " left, try again in 0.5000 sec...\n"
        "2026-12-06 23:00:00,003 12 ERROR db odoo.sql_db: bad query: UPDATE mailchimp_member\n"
        "2026-12-06 23:00:00,004 12 INFO db odoo.http: a request\n"
        "2026-12-06 23:00:00,005 13 ERROR db odoo.addons.mailchimp_connector: broken\n"
    )
    server = type("Server", (), {"log_path": str(log)})()
    errors = _cluster().OdooServer.error_lines(server)
    assert [line.split(" ", 3)[2] for line in errors] == ["12", "13"]
