export { createApp, type GatewayDeps } from './app.ts';
export {
  ADICTIZ_OUTPUT_IPS,
  type GatewayConfig,
  GatewayEnv,
  gatewayConfigFromEnv,
  type SourceAuth,
} from './config.ts';
export { createGateway, type Gateway } from './gateway.ts';
export { PROBLEMS, type ProblemCode, problemType } from './problems.ts';
export { DEAD_LETTER_HEADERS, type DeadLetter, DeadLetterWriter } from './publish/dead-letters.ts';
export { ReplayEnv } from './replay/replay-env.ts';
