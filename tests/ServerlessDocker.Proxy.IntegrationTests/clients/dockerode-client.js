// dockerode through a scope's socket: create/start/logs/wait/remove a child, then fail to touch a sibling's container.
// Usage: node dockerode-client.js SOCKET SIBLING_CONTAINER_ID. Prints "ok" on success; exits non-zero otherwise.
const Docker = require('dockerode');
const [socketPath, sibling] = process.argv.slice(2);
const docker = new Docker({ socketPath });

(async () => {
  const container = await docker.createContainer({ Image: 'busybox', Cmd: ['echo', 'hello-from-dockerode'], Labels: { app: 'dockerode' } });
  await container.start();
  const wait = await container.wait();
  const logs = (await container.logs({ stdout: true, stderr: true })).toString('latin1');
  await container.remove();
  if (wait.StatusCode !== 0 || !logs.includes('hello-from-dockerode')) {
    throw new Error(`unexpected run: ${JSON.stringify(wait)} ${logs}`);
  }
  const listed = await docker.listContainers({ all: true });
  if (listed.some(c => c.Id === sibling)) throw new Error('sibling container is listed');
  try {
    await docker.getContainer(sibling).kill();
    throw new Error('killing the sibling succeeded');
  } catch (err) {
    if (err.statusCode !== 404) throw err;
  }
  console.log('ok');
})().catch(err => { console.error(err.message || err); process.exit(1); });
