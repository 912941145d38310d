#!/usr/bin/env node
/**
 * The bench's "floor" server: the reference (`@y/websocket-server` 0.1.1, its own connection
 * handling and relay, unchanged) plus the least that "validated and durable before anyone sees
 * it" costs: each update is decoded once (what any validation must do first) and appended to an
 * update log with one `write()` (our own record format: length, CRC-32, document name, sequence
 * number, bytes), before it is relayed.
 * No authentication, no rules, no snapshots, no SQLite, no product.
 *
 * It answers one question: how far above the relay is any server that persists each update
 * before relaying it, on this machine. If the floor alone is above 1.2×, so is every such
 * design, ours included (docs/performance.md).
 *
 * Environment: HOST, PORT (as the reference's bin), FLOOR_LOG (the log file's path).
 */
import http from 'node:http';
import { openSync, writeSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { encodeRecord } from '../../sync-server/storage/logFormat.mjs';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 1234);
const logPath = process.env.FLOOR_LOG;
if (!logPath) throw new Error('FLOOR_LOG (the update log path) is required');
const fd = openSync(logPath, 'a');
/** Last sequence number per document, as our store numbers its updates. */
const seqs = new Map();

/** One record in our update log's own format (sync-server/storage/logFormat.mjs), one write(). */
function append(name, update) {
  const seq = (seqs.get(name) ?? 0) + 1;
  seqs.set(name, seq);
  writeSync(fd, encodeRecord(name, seq, update));
}

setPersistence({
  provider: null,
  bindState(name, doc) {
    // The reference registered its relay on 'update' when it created the document; put the log
    // write in front of it, so an update is durable before any connection is sent it.
    const relay = [...(doc._observers.get('update') ?? [])];
    for (const f of relay) doc.off('update', f);
    doc.on('update', (update) => {
      Y.decodeUpdate(update);
      append(name, update);
    });
    for (const f of relay) doc.on('update', f);
  },
  writeState: async () => {},
});

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('okay');
});
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(port, host, () => console.log(`floor server (reference + decode + update log ${logPath}) at ${host}:${port}`));
