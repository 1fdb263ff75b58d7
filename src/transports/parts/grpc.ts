// The gRPC transport (grpc-js, protobufjs), shipped as its own lazily loaded file (dist/transports/grpc.cjs).

export { connectGrpc } from '../grpc.ts';
