import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepares each SQL text once: compiling a statement costs more than running a small one, and
 * the queue runs the same few statements for every photo. Only for fixed SQL texts (values go in
 * parameters), so the cache stays small.
 */
export function statementCache(db: Database): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Moves with any change to the library, by this connection (total_changes) or committed by another
 * (data_version): what a read kept in memory is checked against. Keep nothing read inside a
 * transaction, since a rollback leaves the stamp where it was.
 */
export function changeStamp(sql: (text: string) => Statement): string {
  return `${sql('PRAGMA data_version').pluck().get() as number}:${sql('SELECT total_changes()').pluck().get() as number}`;
}
