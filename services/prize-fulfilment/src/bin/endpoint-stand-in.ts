import { startEndpointStandIn } from '../stand-in/endpoint-stand-in.ts';

/**
 * A stand-in fulfilment endpoint as its own process (the compose stack runs it):
 * PORT (8090) and HOST (0.0.0.0); prizes are POSTed to /prizes. SIGTERM stops it.
 */
const port = Number(process.env['PORT'] ?? 8090);
const standIn = await startEndpointStandIn({
  port,
  host: process.env['HOST'] ?? '0.0.0.0',
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`fulfilment stand-in listening on port ${port}, POST /prizes\n`);
process.once('SIGTERM', () => void standIn.close().then(() => process.exit(0)));
