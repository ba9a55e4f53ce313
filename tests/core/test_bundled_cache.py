"""The bundled dataset's cache is keyed by the code that reads it, not only the file."""

import os

from araz.io import bundled_cache
from araz.paths import default_dataset


def test_a_change_to_the_reader_or_model_code_misses_the_cache():
    raw = default_dataset().read_bytes()
    before = bundled_cache._key(raw)
    module = bundled_cache.__file__.replace("bundled_cache.py", "curated.py")
    st = os.stat(module)
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert bundled_cache._key(raw) != before
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert bundled_cache._key(raw) == before
