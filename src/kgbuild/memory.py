"""glibc's allocator, told what the build knows about its memory (elsewhere: nothing)."""

from __future__ import annotations


def _libc():
    import ctypes

    return ctypes.CDLL("libc.so.6")


def use_few_arenas(arenas: int = 2) -> None:
    """Keep at most ``arenas`` malloc arenas: each thread of Oxigraph's queries may open one,
    and freed memory stays in them."""
    try:
        _libc().mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def give_back_freed_memory() -> None:
    """Return the freed memory of the heap to the system now (malloc_trim)."""
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass
