"""Readers and writers: path or bytes in, Dataset plus a list of problems out.  No Qt."""

from .problems import LoadResult, Problem, ReadError

__all__ = ["LoadResult", "Problem", "ReadError", "read_path"]


def read_path(path, **kwargs) -> LoadResult:
    """Read any format Araz knows, chosen by the file's name and content."""
    from .curated import read_curated

    return read_curated(path, **kwargs)
