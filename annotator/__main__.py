"""``python -m annotator`` runs the CLI."""

from annotator._entry import main

if __name__ == "__main__":
    main()
