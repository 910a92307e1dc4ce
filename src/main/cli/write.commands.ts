import { ExportFormatSchema, FieldPolicySchema, SidecarModeSchema, SidecarNamingSchema } from '../../shared/metadata';
import type { ExportResult, FieldChange, RevertRunResult, WriteRunResult } from '../../shared/metadata';
import type { CliCore } from './main';
import { UserError } from '../base/errors';
import { progressBar } from './progress';

/** The flags of `write`, `revert` and `export`, as main's parser hands them over. */
interface WriteFlags {
  'dry-run'?: boolean;
  policy?: string;
  sidecar?: string;
  'sidecar-name'?: string;
  'approved-only'?: boolean;
  force?: boolean;
  format?: string;
  out?: string;
}

interface WriteCommandContext {
  args: string[];
  flags: WriteFlags;
  json: boolean;
  openCore: () => CliCore;
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
}

function choice<T extends string>(flag: string, value: string | undefined, schema: { safeParse(v: unknown): { success: boolean; data?: T } }, options: readonly string[]): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UserError(`${flag} takes one of: ${options.join(', ')}`);
  return parsed.data;
}

export const writeCommands = {
  async write({ args, flags, json, openCore, io }) {
    const policy = choice('--policy', flags.policy, FieldPolicySchema, FieldPolicySchema.options);
    const sidecar = choice('--sidecar', flags.sidecar, SidecarModeSchema, SidecarModeSchema.options);
    const sidecarNaming = choice('--sidecar-name', flags['sidecar-name'], SidecarNamingSchema, SidecarNamingSchema.options);
    const bar = progressBar(io.stderr);
    let result: WriteRunResult;
    try {
      const core = openCore();
      const unsubscribe = core.on('metadata:progress', (progress) =>
        bar.update({ done: progress.done, total: progress.total, note: progress.failed ? `${progress.failed} failed` : '' }),
      );
      result = await core.invoke('metadata:write', {
        paths: args,
        dryRun: flags['dry-run'] ?? false,
        approvedOnly: flags['approved-only'] ?? false,
        force: flags.force ?? false,
        sidecar,
        sidecarNaming,
        policies: policy ? { caption: policy, title: policy, altText: policy, longDescription: policy } : undefined,
      });
      unsubscribe();
    } finally {
      bar.finish();
    }
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeWrite(result));
  },

  async revert({ args, json, openCore, io }) {
    const result = await openCore().invoke('metadata:revert', { paths: args });
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeRevert(result));
  },

  async export({ args, flags, json, openCore, io }) {
    const format = choice('--format', flags.format, ExportFormatSchema, ExportFormatSchema.options);
    if (!format) throw new UserError('export needs --format xmp, csv or json');
    if (!flags.out) throw new UserError('export needs --out DIR');
    const sidecarNaming = choice('--sidecar-name', flags['sidecar-name'], SidecarNamingSchema, ['basename', 'basename-ext']);
    const result = await openCore().invoke('metadata:export', {
      format,
      outDir: flags.out,
      paths: args,
      sidecarNaming: sidecarNaming === 'auto' ? undefined : sidecarNaming,
    });
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeExport(result));
  },
} satisfies Record<'write' | 'revert' | 'export', (context: WriteCommandContext) => Promise<number | void>>;

function quote(value: FieldChange['after']): string {
  if (value === null) return '(nothing)';
  return Array.isArray(value) ? value.join(', ') : JSON.stringify(value);
}

function describeWrite(result: WriteRunResult): string {
  const verb = result.dryRun ? 'Would write' : 'Wrote';
  const lines = [
    `${verb} ${result.written} of ${result.total} photo${result.total === 1 ? '' : 's'}` +
      `, ${result.unchanged} unchanged, ${result.failed} failed.${result.dryRun ? ' (Dry run: no file was changed.)' : ''}`,
  ];
  for (const photo of result.photos) {
    if (photo.status === 'failed') {
      lines.push(`  ${photo.path}: ${photo.message}`);
      continue;
    }
    if (!result.dryRun || photo.status !== 'would-write') continue;
    lines.push(`  ${photo.path}${photo.target !== photo.path ? ` -> ${photo.target}` : ''}`);
    for (const change of photo.changes) {
      if (change.action === 'unchanged') continue;
      lines.push(
        change.action === 'kept'
          ? `    ${change.field}: kept ${quote(change.before)} (the file's own; --policy append or replace to change it)`
          : `    ${change.field}: ${change.action} ${quote(change.after)}${change.before !== null && change.action !== 'set' ? ` (was ${quote(change.before)})` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeRevert(result: RevertRunResult): string {
  const lines = [`Reverted ${result.reverted} of ${result.total} photo${result.total === 1 ? '' : 's'}, ${result.failed} failed.`];
  for (const photo of result.photos) {
    if (photo.status === 'failed') lines.push(`  ${photo.path}: ${photo.message}`);
    else if (photo.keptChanged.length) {
      lines.push(`  ${photo.path}: kept ${photo.keptChanged.join(', ')}, changed by someone since Captionist wrote them`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeExport(result: ExportResult): string {
  const lines = [`Exported ${result.exported} caption${result.exported === 1 ? '' : 's'} to ${result.output}.`];
  for (const error of result.errors) lines.push(`  ${error.path}: ${error.message}`);
  return `${lines.join('\n')}\n`;
}
