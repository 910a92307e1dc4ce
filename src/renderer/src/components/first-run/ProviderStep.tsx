import { ApiKeyField } from '../settings/ApiKeyField';
import { TestResultView } from '../settings/TestResultView';
import { providerChoices } from './first-run-flow';
import type { ProviderStepState } from './use-provider-step';

interface ProviderStepProps {
  ids: string;
  provider: ProviderStepState;
  busy: boolean;
  onContinue(): void;
}

export function ProviderStep({ ids, provider, busy, onContinue }: ProviderStepProps) {
  const { choice, test } = provider;
  return (
    <>
      <fieldset className="first-run-choices">
        <legend>Where should captions come from?</legend>
        {providerChoices.map((option) => (
          <div key={option.id} className="first-run-choice">
            <input
              type="radio"
              id={`${ids}-${option.id}`}
              name={`${ids}-provider`}
              checked={choice.id === option.id}
              onChange={() => provider.pick(option)}
              aria-describedby={`${ids}-${option.id}-about`}
            />
            <label htmlFor={`${ids}-${option.id}`}>
              {option.label} <span className="first-run-kind">({option.local ? 'local server' : 'cloud'})</span>
            </label>
            <p id={`${ids}-${option.id}-about`} className="settings-hint">
              {option.description}
            </p>
          </div>
        ))}
      </fieldset>
      {choice.local ? (
        <div className="settings-field">
          <label htmlFor={`${ids}-baseUrl`}>Base URL</label>
          <input id={`${ids}-baseUrl`} type="url" value={provider.baseUrl} onChange={(event) => provider.setBaseUrl(event.target.value)} />
          <p className="settings-hint">Where {choice.label} listens; no API key needed. Start it before testing.</p>
        </div>
      ) : (
        <ApiKeyField id={`${ids}-apiKey`} value={provider.apiKey} onChange={provider.setApiKey} hint={`From your ${choice.label} account; stored securely.`} />
      )}
      <div className="settings-field">
        <label htmlFor={`${ids}-model`}>Model (optional)</label>
        <input id={`${ids}-model`} type="text" value={provider.model} placeholder="the default" onChange={(event) => provider.setModel(event.target.value)} />
      </div>
      <div className="settings-actions">
        <button type="button" className="primary" onClick={() => void provider.saveAndTest()} disabled={busy}>
          {busy ? 'Testing…' : 'Test connection'}
        </button>
        {test?.ok && (
          <button type="button" className="primary" onClick={onContinue}>
            Continue
          </button>
        )}
        {test && !test.ok && (
          <button type="button" onClick={onContinue}>
            Continue anyway
          </button>
        )}
      </div>
      <div aria-live="polite" className="first-run-result">
        {provider.keyNote && <p className="settings-error">The API key was not stored: {provider.keyNote}</p>}
        {test && <TestResultView result={test} />}
      </div>
    </>
  );
}
