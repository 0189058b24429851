"""Broken on purpose: dies on hello without answering."""

import sys

from _fake_driver import answer, serve


def die_on_hello(request):
    if request.get("cmd") == "hello":
        sys.stderr.write("broken-sample: giving up\n")
        sys.exit(3)
    return answer(request)


serve(die_on_hello)
