import type { KeywordVocabulary } from '../keywords/keyword-vocabulary';
import type { DomainHandlers } from './handler-table';

export function keywordsHandlers({ vocabulary }: { vocabulary: KeywordVocabulary }): DomainHandlers<'keywords'> {
  return {
    'keywords:import': async ({ path }) => vocabulary.importFile(path),
    'keywords:list': async () => vocabulary.listing(),
    'keywords:clear': async () => vocabulary.clear(),
  };
}
