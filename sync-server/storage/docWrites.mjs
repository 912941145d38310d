// Every write SqliteDocStore makes to its document tables, as transactions prepared on one
// connection: the document writer's worker thread (docWriter.worker.mjs) and the inline writer
// (DocWriter.ts: in-memory databases, start-up replay) run the same statements. Plain
// JavaScript (types in docWrites.d.mts) because the worker loads it under plain node too.
import { packLogFiles } from './logFormat.mjs';

export function prepareDocWrites(db) {
  const insertUpdate = db.prepare('INSERT OR IGNORE INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)');
  const insertPack = db.prepare('INSERT OR IGNORE INTO doc_update_packs (doc, last_seq, data) VALUES (?, ?, ?)');
  const upsertSnapshot = db.prepare(
    `INSERT INTO doc_snapshots (doc, data, through_seq, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (doc) DO UPDATE SET data = excluded.data,
       through_seq = max(through_seq, excluded.through_seq), updated_at = excluded.updated_at`,
  );
  const deleteUpdatesThrough = db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?');
  const deletePacksThrough = db.prepare('DELETE FROM doc_update_packs WHERE doc = ? AND last_seq <= ?');
  const deleteUpdates = db.prepare('DELETE FROM doc_updates WHERE doc = ?');
  const deletePacks = db.prepare('DELETE FROM doc_update_packs WHERE doc = ?');
  const deleteSnapshot = db.prepare('DELETE FROM doc_snapshots WHERE doc = ?');
  const insertPacks = db.transaction((packs) => {
    for (const pack of packs) insertPack.run(pack.name, pack.lastSeq, pack.data);
  });
  return {
    insertRows: db.transaction((rows) => {
      for (const row of rows) insertUpdate.run(row.name, row.seq, row.update);
    }),
    insertLog: (paths) => insertPacks(packLogFiles(paths)),
    compact: db.transaction((name, snapshot, throughSeq, at) => {
      upsertSnapshot.run(name, snapshot, throughSeq, at);
      deleteUpdatesThrough.run(name, throughSeq);
      deletePacksThrough.run(name, throughSeq);
    }),
    delete: db.transaction((name) => {
      deleteUpdates.run(name);
      deletePacks.run(name);
      deleteSnapshot.run(name);
    }),
  };
}
