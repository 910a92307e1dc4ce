import { useEffect, useState } from 'react';
import type { EmbeddingsStatus } from '../../../../shared/embeddings';
import { errorText } from '../../errors';
import type { SimilarTo } from '../../lib/results-query';

interface FindSimilarProps {
  photo: SimilarTo;
  onFindSimilar(photo: SimilarTo): void;
}

/** "Find similar": shows the photos whose captions mean what this one's does, once search by meaning is set up. */
export function FindSimilar({ photo, onFindSimilar }: FindSimilarProps) {
  const status = useEmbeddingsStatus();
  if (status === null) return null;
  if (typeof status === 'string') return <p className="inspector-error">{status}</p>;
  if (!status.provider) {
    return (
      <p className="inspector-muted">
        Find similar needs search by meaning: choose an embeddings provider with “captionist embeddings use NAME”, then run
        “captionist embeddings run”.
      </p>
    );
  }
  if (status.embedded === 0) {
    return <p className="inspector-muted">Find similar needs the captions embedded first: run “captionist embeddings run”.</p>;
  }
  return (
    <button type="button" onClick={() => onFindSimilar(photo)}>
      Find similar
    </button>
  );
}

/** Whether search by meaning is set up: its status, why it could not be asked, or null while asking. */
function useEmbeddingsStatus(): EmbeddingsStatus | string | null {
  const [status, setStatus] = useState<EmbeddingsStatus | string | null>(null);
  useEffect(() => {
    let current = true;
    window.api.invoke('embeddings:status', {}).then(
      (answer) => current && setStatus(answer),
      (reason: unknown) => current && setStatus(errorText(reason)),
    );
    return () => {
      current = false;
    };
  }, []);
  return status;
}
