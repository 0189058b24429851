"""The weather update both publishers send (PS-1)."""

import random

SEQ_WRAP = 1_000_000


def update(rng: random.Random, seq: int, zip_min: int = 1, zip_max: int = 99999) -> bytes:
    zipcode, temp, hum = rng.randint(zip_min, zip_max), rng.randint(-80, 134), rng.randint(10, 59)
    return f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq % SEQ_WRAP:06d}".encode()
