"""Broken on purpose: every reply carries the next request's seq."""

from _fake_driver import answer, serve


def off_by_one(request):
    reply = answer(request)
    reply["seq"] = request["seq"] + 1
    return reply


serve(off_by_one)
