import { runService } from '@relay/service';
import { configFromEnv } from './config.ts';
import { createPrizeFulfilment } from './service.ts';

runService({
  name: 'relay-prize-fulfilment',
  configFromEnv,
  create: (config, logger) => createPrizeFulfilment(config, logger),
});
