"""docker-py through a scope's socket: create/start/logs/wait/remove a child, then fail to touch a sibling's container.

Usage: /usr/bin/python3 dockerpy_client.py SOCKET SIBLING_CONTAINER_ID. Prints "ok" on success; exits non-zero otherwise.
"""
import sys

import docker

socket_path, sibling = sys.argv[1], sys.argv[2]
client = docker.DockerClient(base_url="unix://" + socket_path)
container = client.containers.create("busybox", ["echo", "hello-from-docker-py"], labels={"app": "docker-py"})
container.start()
result = container.wait()
logs = container.logs().decode()
container.remove()
assert result["StatusCode"] == 0 and "hello-from-docker-py" in logs, (result, logs)
assert all(c.id != sibling for c in client.containers.list(all=True)), "sibling container is listed"
try:
    client.containers.get(sibling)
    raise SystemExit("inspecting the sibling succeeded")
except docker.errors.NotFound:
    pass
print("ok")
