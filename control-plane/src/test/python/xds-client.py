"""A gRPC C-core xDS client (Debian's python3-grpcio) for the conformance suite (GrpcCoreXdsClient drives it).

Run with /usr/bin/python3. Reads its bootstrap from GRPC_XDS_BOOTSTRAP_CONFIG and dials xds:///<route> (argv[1]).
Then, for every line {"calls": N} on stdin, makes N unary calls to /llmxds.test.Echo/Who one after another (each
backend answers its name) and prints one JSON line: {"byBackend": {name: count}, "errors": {"CODE: details": count}}.
Exits when stdin closes.
"""
import json
import sys

import grpc

METHOD = '/llmxds.test.Echo/Who'
DEADLINE_SECONDS = 5.0


def calls(who, count):
    result = {'byBackend': {}, 'errors': {}}
    for _ in range(count):
        try:
            tally, key = result['byBackend'], who(b'', timeout=DEADLINE_SECONDS).decode('utf-8')
        except grpc.RpcError as error:
            tally, key = result['errors'], f'{error.code().name}: {error.details()}'
        tally[key] = tally.get(key, 0) + 1
    return result


def main():
    channel = grpc.insecure_channel(f'xds:///{sys.argv[1]}')
    # Channels are lazy: connecting now starts the xDS subscription before the first call.
    channel.subscribe(lambda state: None, try_to_connect=True)
    # No serializers: requests and answers are the raw bytes.
    who = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
    for line in sys.stdin:
        count = json.loads(line)['calls']
        sys.stdout.write(json.dumps(calls(who, count)) + '\n')
        sys.stdout.flush()
    channel.close()


if __name__ == '__main__':
    main()
