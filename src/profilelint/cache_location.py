"""The name of the result cache's folder, apart from the cache's code: a `--no-cache` run
passes no folder and so never imports the cache (hashlib and the cache format, ~4 ms)."""

CACHE_DIR_NAME = ".profilelint_cache"
