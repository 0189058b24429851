"""The roles a node can play: name -> (module, one-line summary).

The seed's ten roles, plus ``driver``, a scriptable socket.
"""

ROLES: dict[str, tuple[str, str]] = {
    "rep-server": ("zmqspec.roles.rep_server", "REP echo server: replies '{name},{request}'"),
    "req-client": ("zmqspec.roles.req_client", "REQ client: sends stdin lines, prints replies, quits after 'bye'"),
    "gateway": ("zmqspec.roles.gateway", "REP facing out, REQ facing in: relays each request and its reply"),
    "weather-pub": ("zmqspec.roles.weather_pub", "PUB: publishes 'zipcode temperature humidity seq' updates"),
    "weather-sub": ("zmqspec.roles.weather_sub", "SUB: averages the temperature of 50 updates for one zipcode prefix"),
    "sync-pub": ("zmqspec.roles.sync_pub", "PUB that starts only when N subscribers have synchronised"),
    "sync-sub": ("zmqspec.roles.sync_sub", "SUB that synchronises with sync-pub, then counts every update"),
    "ventilator": ("zmqspec.roles.ventilator", "PUSH: tells the sink N, then deals N workloads to workers"),
    "worker": ("zmqspec.roles.worker", "PULL tasks, sleep each workload, PUSH results; exits on the sink's kill signal"),
    "sink": ("zmqspec.roles.sink", "PULL: gathers exactly N results, then publishes the kill signal"),
    "driver": ("zmqspec.roles.driver", "a scriptable socket: JSON lines on stdin, replies on stdout"),
}
