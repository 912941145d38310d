// The document writer: a worker thread with its own SQLite connection that performs every write
// of SqliteDocStore's tables (moving logged updates into doc_update_packs, compaction, deletion), so
// commits, page writes and WAL checkpoints (fsync) never pause the server's event loop. It reads
// the closed update-log files itself, so the event loop neither keeps logged updates in memory
// until a checkpoint nor copies them over to this thread.
// Plain JavaScript: it runs the same under tsx, vitest and plain node.
//
// Messages in:  { id, op: 'insert-log', paths: [closed log file, …] }   (one pack per document)
//               { id, op: 'compact', name, snapshot, throughSeq, at }
//               { id, op: 'delete', name }
//               { id, op: 'sync' }            (answers once everything before it is done)
//               { id, op: 'close' }
// Messages out: { id, ok: true } | { id, ok: false, error }   (in the order received)
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareDocWrites } from './docWrites.mjs';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');

const writes = prepareDocWrites(db);

parentPort.on('message', (msg) => {
  try {
    switch (msg.op) {
      case 'insert-log':
        writes.insertLog(msg.paths);
        break;
      case 'compact':
        writes.compact(msg.name, msg.snapshot, msg.throughSeq, msg.at);
        break;
      case 'delete':
        writes.delete(msg.name);
        break;
      case 'sync':
        break;
      case 'close':
        db.close();
        parentPort.postMessage({ id: msg.id, ok: true });
        parentPort.close();
        return;
      default:
        throw new Error(`unknown op ${msg.op}`);
    }
    parentPort.postMessage({ id: msg.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: String(err) });
  }
});
