export { type ProbeOptions, probeRoutes } from './probes.ts';
export { type RunnableService, runService, type ServiceProcessConfig } from './run-service.ts';
