"""Broken on purpose: answers quit, then never exits (the contract says it exits 0)."""

import threading

from _fake_driver import serve

serve(after_quit=threading.Event().wait)
