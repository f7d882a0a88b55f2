import { runService } from '@relay/service';
import { configFromEnv } from './config.ts';
import { createQuizScoring } from './service.ts';

runService({
  name: 'relay-quiz-scoring',
  configFromEnv,
  create: (config, logger) => createQuizScoring(config, logger),
});
