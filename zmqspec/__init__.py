"""zmqspec: ZeroMQ's messaging patterns, written down as a specification that runs."""


def __getattr__(name: str):
    # __version__ comes from the installed package's metadata, read on first use only: a node's
    # start-up (python -m zmqspec ROLE) imports this package and is measured.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("zmqspec")
        except PackageNotFoundError:  # run from a checkout that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
