"""`python -m xinxiao` behaves like the `xinxiao` command."""

from xinxiao.cli import main

main()
