"""The reference driver, except that its hello lists tcp alone: an implementation without ipc or inproc."""

import sys

from zmqspec.roles import driver


class TcpOnlyDriver(driver.Driver):
    def cmd_hello(self) -> dict:
        return {**super().cmd_hello(), "transports": ["tcp"]}


driver.Driver = TcpOnlyDriver
sys.exit(driver.main(sys.argv[1:]))
