"""Not part of the suite: a plugin for an inner run (``-p spec_ids_dump``, this folder on PYTHONPATH)
that writes each collected test's node id and the catalogue ids its ``spec`` markers give it to the
JSON file named by $SPEC_IDS_DUMP (tests/test_plugin.py)."""

import json
import os
from pathlib import Path


def pytest_collection_finish(session):
    tagged = {item.nodeid: [mark.args[0] for mark in item.iter_markers("spec") if mark.args] for item in session.items}
    Path(os.environ["SPEC_IDS_DUMP"]).write_text(json.dumps(tagged))
