"""Broken on purpose: hello's protocol is the string "1", not the integer 1 the schema asks for."""

from _fake_driver import answer, serve


def stringly(request):
    reply = answer(request)
    if request.get("cmd") == "hello":
        reply["ok"]["protocol"] = "1"
    return reply


serve(stringly)
