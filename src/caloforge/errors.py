"""Exceptions that the command line turns into one-line messages and a non-zero exit code."""


class CaloForgeError(Exception):
    """Base class of every error that a user can cause and fix."""

    exit_code = 2


class InputError(CaloForgeError):
    """A file, option or value given by the user is missing, malformed or inconsistent."""


class GeometryError(InputError):
    """A geometry name or binning file is unknown or invalid, or data does not fit a geometry."""


class ShowerFileError(InputError):
    """An HDF5 shower file is missing, unreadable or violates the CaloChallenge conventions."""
