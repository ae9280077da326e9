"""``python -m annotator`` runs the CLI."""

from annotator.cli import main

if __name__ == "__main__":
    main()
