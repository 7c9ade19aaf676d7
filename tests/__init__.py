from . import test_account, test_member_import, test_tour
