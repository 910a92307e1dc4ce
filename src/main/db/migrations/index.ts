import type { Migration } from '../migrate';
import { init } from './0010-init';
import { providers } from './0020-providers';
import { queue } from './0030-queue';
import { search } from './0040-search';
import { writeBack } from './0050-write-back';
import { searchSpeed } from './0060-search-speed';
import { captionRefreshOnce } from './0070-caption-refresh-once';
import { providerTotals } from './0080-provider-totals';
import { jobCrashes } from './0090-job-crashes';
import { writeSafety } from './0100-write-safety';
import { keywordVocabulary } from './0110-keyword-vocabulary';
import { photoPlaces } from './0120-photo-places';
import { keywordSuggestions } from './0130-keyword-suggestions';
import { embeddings } from './0140-embeddings';
import { embedJobs } from './0150-embed-jobs';
import { relevanceLists } from './0160-relevance-lists';
import { embeddingCodes } from './0170-embedding-codes';
import { meaningRerank } from './0180-meaning-rerank';
import { codeRemovals } from './0190-code-removals';
import { fileCaptionVectors } from './0200-file-caption-vectors';
import { jobIdsNeverReused } from './0210-job-ids-never-reused';
import { searchCombinations } from './0220-search-combinations';

export const migrations: readonly Migration[] = [
  init,
  providers,
  queue,
  search,
  writeBack,
  searchSpeed,
  captionRefreshOnce,
  providerTotals,
  jobCrashes,
  writeSafety,
  keywordVocabulary,
  photoPlaces,
  keywordSuggestions,
  embeddings,
  embedJobs,
  relevanceLists,
  embeddingCodes,
  meaningRerank,
  codeRemovals,
  fileCaptionVectors,
  jobIdsNeverReused,
  searchCombinations,
];
