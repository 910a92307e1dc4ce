import type { Migration } from '../migrate';
import { init } from './0010-init';
import { providers } from './0020-providers';
import { search } from './0040-search';

export const migrations: readonly Migration[] = [init, providers, search];
