"""``python -m scheduler ...``: the same command as ``scheduler ...`` (the same entry point,
signals included), for machines (Windows) where the script's folder is not on the PATH."""

from scheduler.cli import run

if __name__ == "__main__":
    run()
