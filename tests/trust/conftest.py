"""The demo review of the permission matrix, built once a module, for the trust tests."""

from manyi.core.tests.test_permission_matrix import (  # noqa: F401 (fixtures)
    _media_in_a_temporary_folder,
    media_root,
    scenario,
)
