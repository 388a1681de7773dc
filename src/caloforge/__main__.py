"""``python -m caloforge`` runs the command line."""

from caloforge.cli.app import main

main()
