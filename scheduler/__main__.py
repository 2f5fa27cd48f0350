"""``python -m scheduler ...``: the same command as ``scheduler ...``, for machines (Windows)
where the script's folder is not on the PATH."""

from scheduler.cli import main

if __name__ == "__main__":
    main(prog_name="scheduler")
