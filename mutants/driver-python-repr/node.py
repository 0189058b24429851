"""Mutant driver: prints each reply with str(), a Python dict, which is not JSON.

A broken driver: `{'seq': 1, 'ok': {}}` must be reported as such, at once.
Caught by NC-8, and by any socket test (PS-3 is the one run).
"""

import json
import sys
from types import SimpleNamespace

from zmqspec.roles import driver

driver.json = SimpleNamespace(loads=json.loads, dumps=str, JSONDecodeError=json.JSONDecodeError)  # the bug

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:]))
