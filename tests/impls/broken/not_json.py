"""Broken on purpose: answers hello with a friendly line of text instead of JSON."""

from _fake_driver import answer, serve

serve(lambda request: "hello there, harness!" if request.get("cmd") == "hello" else answer(request))
