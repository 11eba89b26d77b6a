// A grpc-js xDS client (@grpc/grpc-js-xds) for the conformance suite (GrpcJsXdsClient drives it).
// Reads its bootstrap from GRPC_XDS_BOOTSTRAP_CONFIG and dials xds:///<route> (argv[2]). Then, for every line
// {"calls": N} on stdin, makes N unary calls to /llmxds.test.Echo/Who one after another (each backend answers its
// name) and prints one JSON line: {"byBackend": {name: count}, "errors": {"CODE: details": count}}.
// Exits when stdin closes.
'use strict';
const grpc = require('@grpc/grpc-js');
const grpcXds = require('@grpc/grpc-js-xds');
const readline = require('node:readline');

const METHOD = '/llmxds.test.Echo/Who';
const DEADLINE_MS = 5000;
const identity = (bytes) => bytes;

grpcXds.register();
const client = new grpc.Client(`xds:///${process.argv[2]}`, grpc.credentials.createInsecure());
// Channels are lazy: connecting now starts the xDS subscription before the first call.
client.getChannel().getConnectivityState(true);

function callOnce() {
  return new Promise((resolve) => {
    client.makeUnaryRequest(METHOD, identity, identity, Buffer.alloc(0), { deadline: Date.now() + DEADLINE_MS },
      (error, answer) => resolve(error ? { error: `${grpc.status[error.code]}: ${error.details}` }
        : { backend: answer.toString('utf8') }));
  });
}

async function calls(count) {
  const result = { byBackend: {}, errors: {} };
  for (let i = 0; i < count; i++) {
    const { backend, error } = await callOnce();
    const tally = backend !== undefined ? result.byBackend : result.errors;
    const key = backend !== undefined ? backend : error;
    tally[key] = (tally[key] || 0) + 1;
  }
  return result;
}

async function main() {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const { calls: count } = JSON.parse(line);
    process.stdout.write(JSON.stringify(await calls(count)) + '\n');
  }
  client.close();
  process.exit(0);
}

main();
