import type { CaptionService } from '../captions/caption.service';
import type { CaptionsRepository } from '../db/captions.repo';
import { UserError } from '../base/errors';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { QueueService } from '../queue/queue.service';
import type { SecretStore } from '../base/secrets';
import type { DomainHandlers } from './handler-table';

export interface ProvidersHandlersDeps {
  providers: ProviderRegistry;
  secrets: SecretStore;
  captions: CaptionsRepository;
  captioning: CaptionService;
  queue: QueueService;
}

export function providersHandlers(deps: ProvidersHandlersDeps): DomainHandlers<'providers'> {
  const { providers, secrets, queue } = deps;
  return {
    'providers:list': async () => {
      const totals = deps.captions.totalsByProvider();
      return providers.list().map((config) => ({
        ...config,
        apiKeySource: secrets.describe(config),
        ...(totals.get(config.name.toLowerCase()) ?? { captions: 0, inputTokens: 0, outputTokens: 0, costUsd: null }),
      }));
    },
    'providers:save': async (settings) => {
      const config = providers.save(settings);
      // A new key, limit or budget may be what a stopped or out-of-budget lane was waiting for.
      queue.retryStopped(config.name);
      return config;
    },
    'providers:remove': async ({ name }) => {
      providers.remove(name);
      return queue.cancelProvider(name);
    },
    'providers:setApiKey': async ({ name, apiKey }) => {
      if (!secrets.save) {
        throw new UserError('Keys come from environment variables here: set the variable named by the provider\'s --api-key-env.');
      }
      const { config } = providers.configFor(name);
      secrets.save(config.name, apiKey);
      // A new key is what a lane stopped by a rejected one was waiting for.
      queue.retryStopped(config.name);
      return null;
    },
    'providers:test': async ({ name }) => deps.captioning.testProvider(name),
    'providers:models': async ({ name }) => providers.listModels(name),
  };
}
