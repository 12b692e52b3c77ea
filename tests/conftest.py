"""Suite-wide settings."""

import os

from profilelint.schema import VERIFY_ACCELERATOR_ENV

# Every schema validation in the suite (subprocesses included) runs jsonschema-rs and
# jsonschema side by side and fails on any disagreement about validity.
os.environ[VERIFY_ACCELERATOR_ENV] = "1"
