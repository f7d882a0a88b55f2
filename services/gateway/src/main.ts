import { runService } from '@relay/service';
import { gatewayConfigFromEnv } from './config.ts';
import { createGateway } from './gateway.ts';

runService({ name: 'relay-gateway', configFromEnv: gatewayConfigFromEnv, create: createGateway });
