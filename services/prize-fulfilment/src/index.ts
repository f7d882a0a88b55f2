export { configFromEnv, type PrizeFulfilmentConfig, PrizeFulfilmentEnv } from './config.ts';
export { type EndpointOptions, FulfilmentEndpoint } from './fulfil/endpoint.ts';
export { fulfilPrize } from './fulfil/fulfil-prize.ts';
export { fulfilmentHandler, type InstantWin } from './fulfilment-handler.ts';
export { type Entry, Ledger, type Outcome } from './ledger/ledger.ts';
export { createPrizeFulfilment, type PrizeFulfilment, type PrizeFulfilmentStreams } from './service.ts';
export { type StandInOptions, startEndpointStandIn } from './stand-in/endpoint-stand-in.ts';
