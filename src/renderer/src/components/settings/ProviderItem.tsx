import type { ProviderSummary, ProviderTestResult } from '../../../../shared/captioning';
import { formatUsd } from '../queue/queue-format';
import { presetChoice, pricingText, providerTypeLabels } from './provider-form';
import { TestResultView } from './TestResultView';

interface ProviderItemProps {
  provider: ProviderSummary;
  isDefault: boolean;
  /** The provider whose connection test is running, if any: one test at a time. */
  testing: string | null;
  testResult: ProviderTestResult | undefined;
  onEdit(): void;
  onTest(): void;
  onMakeDefault(): void;
  /** Whether this provider's removal waits for the user's confirmation (one at a time in the list). */
  confirmingRemove: boolean;
  onConfirmRemove(confirming: boolean): void;
  onRemove(): void;
}

/** One provider in the settings: its facts and spending, and what can be done with it. */
export function ProviderItem(props: ProviderItemProps) {
  const { provider, isDefault, testing, testResult, onEdit, onTest, onMakeDefault, confirmingRemove, onConfirmRemove, onRemove } = props;
  const { name } = provider;
  return (
    <li className="provider-item">
      <h3>
        {name}
        {isDefault && <span className="provider-default"> (default)</span>}
      </h3>
      <ProviderFacts provider={provider} />
      <div className="settings-actions">
        <button type="button" aria-label={`Edit ${name}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" aria-label={`Test connection to ${name}`} onClick={onTest} disabled={testing !== null}>
          {testing === name ? 'Testing…' : 'Test connection'}
        </button>
        {!isDefault && (
          <button type="button" aria-label={`Make ${name} the default`} onClick={onMakeDefault}>
            Make default
          </button>
        )}
        {confirmingRemove ? (
          <span role="group" aria-label={`Confirm removing ${name}`} className="settings-confirm">
            Remove {name}? Its captions stay; its unfinished jobs are cancelled.
            <button type="button" className="danger" onClick={onRemove}>
              Remove
            </button>
            <button type="button" onClick={() => onConfirmRemove(false)} autoFocus>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" aria-label={`Remove ${name}`} onClick={() => onConfirmRemove(true)}>
            Remove
          </button>
        )}
      </div>
      <div aria-live="polite">{testResult && <TestResultView result={testResult} />}</div>
    </li>
  );
}

function ProviderFacts({ provider }: { provider: ProviderSummary }) {
  return (
    <dl className="provider-facts">
      <dt>Type</dt>
      <dd>
        {providerTypeLabels[provider.type]}
        {provider.preset && `, ${presetChoice(provider.preset)?.label ?? provider.preset}`}
      </dd>
      <dt>Model</dt>
      <dd>{provider.model ?? 'the service’s default'}</dd>
      <dt>Base URL</dt>
      <dd>{provider.baseUrl}</dd>
      <dt>API key</dt>
      <dd>{provider.apiKeySource ?? (provider.requiresApiKey ? 'none set' : 'not needed')}</dd>
      <dt>Captions</dt>
      <dd>{provider.captions.toLocaleString()}</dd>
      <dt>Spent</dt>
      <dd>{formatUsd(provider.costUsd)}</dd>
      <dt>Budget</dt>
      <dd>{provider.budgetUsd === undefined ? 'none' : formatUsd(provider.budgetUsd)}</dd>
      <dt>Price</dt>
      <dd>{pricingText(provider.pricing)}</dd>
    </dl>
  );
}
