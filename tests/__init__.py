from . import (
    test_access,
    test_account,
    test_campaigns,
    test_contact_export,
    test_first_hour,
    test_jobs,
    test_member_import,
    test_sync_correctness,
    test_sync_invariants_strict,
    test_tour,
    test_webhooks,
)
