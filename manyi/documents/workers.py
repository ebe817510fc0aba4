"""The start of a process that draws documents for the campaign archive (archive.py).

Kept apart from archive.py, which imports the models: a spawned process imports its
initializer before Django is set up.
"""

import gc


def start() -> None:
    import django

    django.setup()
    # Everything alive now lives as long as the process: frozen, the collection after each
    # document (archive._draw) walks only what that document left.
    gc.collect()
    gc.freeze()
