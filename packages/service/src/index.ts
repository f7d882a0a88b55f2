export { keepTrying } from './keep-trying.ts';
export { type Listening, type ListenOptions, listen } from './listen.ts';
export { type ProbeOptions, probeRoutes } from './probes.ts';
export { type RunnableService, runService, type ServiceProcessConfig } from './run-service.ts';
export { serviceEnv, serviceSettings } from './service-env.ts';
