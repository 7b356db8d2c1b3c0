"""`python -m devcell` runs the CLI."""

from devcell.cli import main

if __name__ == "__main__":
    main()
