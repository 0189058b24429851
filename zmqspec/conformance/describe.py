"""How reports name an implementation and its driver: one line each, for report.md, report.html and
the run's header."""

from __future__ import annotations


def describe_impl(impl: dict | None) -> str:
    """``name version (manifest PATH)`` of a report's implementation or peer entry; ``none`` for none."""
    if not impl:
        return "none"
    text = " ".join(part for part in (impl.get("name"), impl.get("version")) if part)
    if impl.get("manifest"):
        text += f" (manifest {impl['manifest']})"
    return text


def describe_hello(driver: dict | None) -> str:
    """What the driver said in its hello (implementation, library, transports), and any problem."""
    if not driver:
        return "none"
    hello, problem = driver.get("hello"), driver.get("problem")
    if not hello and problem == "not provided":
        return "not provided (the implementation has no driver role)"
    parts = []
    if hello:
        parts.append(", ".join(f"{key} {hello[key]}" for key in ("implementation", "language", "library", "zmq_version")
                               if key in hello))
        if "transports" in hello:
            parts.append("transports " + " ".join(map(str, hello["transports"])))
    if problem:
        parts.append(f"problem: {problem}")
    return "; ".join(parts) or "none"
