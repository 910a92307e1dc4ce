import type { ProviderTestResult } from '../../../../shared/captioning';
import { formatSeconds } from '../../../../shared/duration';
import { formatUsd } from '../../../../shared/money';

/** What a connection test found, in words: the sample caption when it worked, else what to do. */
export function TestResultView({ result }: { result: ProviderTestResult }) {
  if (!result.ok) {
    return (
      <div className="test-result test-failed" role="alert">
        <p>
          <strong>Connection failed.</strong> {result.message}
        </p>
        <p>{result.hint}</p>
      </div>
    );
  }
  return (
    <div className="test-result test-ok">
      <p>
        <strong>Connected to {result.provider}.</strong> Model {result.model ?? 'not reported'}, answered in{' '}
        {formatSeconds(result.latencyMs)}, cost {formatUsd(result.costUsd)}.
      </p>
      <p>
        Sample caption: <q>{result.caption.caption}</q>
      </p>
    </div>
  );
}
