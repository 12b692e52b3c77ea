"""BLAKE2b for the cache's names, without hashlib's start-up.

`import hashlib` loads OpenSSL's bindings (~2 ms) to offer every algorithm; the cache needs
only BLAKE2b, which CPython builds in as `_blake2` (what `hashlib.blake2b` is).
"""

try:
    from _blake2 import blake2b as blake2b
except ImportError:  # a Python built without it: hashlib's, wherever it comes from
    from hashlib import blake2b as blake2b
