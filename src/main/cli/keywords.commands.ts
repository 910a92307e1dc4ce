import type { VocabularyNode } from '../../shared/keyword-vocabulary';
import { countOf, describeVocabularyCounts } from '../../shared/vocabulary';
import type { VocabularyImportResult, VocabularyListing } from '../../shared/vocabulary';
import { answersAtOnce, UsageError } from './args';
import type { Command, CommandContext } from './main';

/** `keywords import FILE | list | clear`. */
export async function keywordsCommand(context: CommandContext): Promise<void> {
  const [subcommand, ...args] = context.args;
  const run = subcommand ? keywordsCommands[subcommand] : undefined;
  if (!run) throw new UsageError('keywords takes import, list or clear');
  await run({ ...context, args });
}

const keywordsCommands: Record<string, Command> = {
  async import({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('keywords import takes exactly one FILE');
    const result = await openCore().invoke('keywords:import', { path: args[0]! });
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeImport(result));
  },

  async list({ args, json, openCore, io }) {
    if (args.length) throw new UsageError('keywords list takes no arguments');
    const listing = await openCore(answersAtOnce).invoke('keywords:list', {});
    io.stdout.write(json ? `${JSON.stringify(listing)}\n` : describeListing(listing));
  },

  async clear({ args, json, openCore, io }) {
    if (args.length) throw new UsageError('keywords clear takes no arguments');
    const cleared = await openCore().invoke('keywords:clear', {});
    io.stdout.write(
      json
        ? `${JSON.stringify(cleared)}\n`
        : cleared.removedTerms
          ? `Cleared the keyword vocabulary (${countOf(cleared.removedTerms, 'keyword')}).\n`
          : 'There was no keyword vocabulary to clear.\n',
    );
  },
};

function describeImport(result: VocabularyImportResult): string {
  const lines = [
    `Imported ${describeVocabularyCounts(result.counts)} from ${result.path}` +
      (result.replacedTerms ? `, replacing the vocabulary of ${countOf(result.replacedTerms, 'keyword')}.` : '.'),
  ];
  if (result.issues.length) {
    lines.push(`${countOf(result.issues.length, 'line')} read as best they could be; check them:`);
    lines.push(...result.issues.map((issue) => `  line ${issue.line}: ${issue.message}`));
  }
  return `${lines.join('\n')}\n`;
}

function describeListing(listing: VocabularyListing): string {
  if (!listing.source) return 'No keyword vocabulary is imported. Import one with "captionist keywords import FILE".\n';
  const lines = [`${describeVocabularyCounts(listing.counts)}, imported from ${listing.source.path} on ${listing.source.importedAt.slice(0, 10)}:`];
  const write = (nodes: readonly VocabularyNode[], depth: number) => {
    for (const node of nodes) {
      const name = node.exported ? node.name : `[${node.name}]`;
      const synonyms = node.synonyms.length ? `  {${node.synonyms.join(', ')}}` : '';
      lines.push(`${'  '.repeat(depth + 1)}${name}${synonyms}`);
      write(node.children, depth + 1);
    }
  };
  write(listing.tree, 0);
  return `${lines.join('\n')}\n`;
}
