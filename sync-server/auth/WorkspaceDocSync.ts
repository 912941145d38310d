import type * as Y from 'yjs';
import { indexDoc, settingsDoc } from '../../shared/ids.ts';
import { SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import { INDEX_ROOTS, type MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import type { Directory } from './Directory.ts';

const ACTOR = 'directory';

const sameMember = (a: unknown, b: MemberSummary) =>
  typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b);

/**
 * Keeps the workspace documents in step with the directory: the index's `members` map (IDX1:
 * written by the server only) and the settings' workspace name (set once, when absent).
 * Runs after every directory change, at startup and at each sign-in (the admin CLI is another
 * process and changes the directory behind the server's back). Writes only differences, so a
 * sync with nothing to do changes no document.
 */
export class WorkspaceDocSync {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly docs: DocHost,
    private readonly directory: Directory,
    private readonly logger: Logger,
  ) {}

  /** Starts a sync of one workspace (coalesced: at most one running and one queued). */
  schedule(workspaceId: string): Promise<void> {
    const current = this.running.get(workspaceId);
    if (current) {
      this.again.add(workspaceId);
      return current;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(workspaceId);
          await this.syncNow(workspaceId);
        } while (this.again.has(workspaceId));
      } catch (err) {
        this.logger.error({ event: 'workspace_doc_sync_failed', workspace: workspaceId, reason: String(err) });
      } finally {
        this.running.delete(workspaceId);
      }
    })();
    this.running.set(workspaceId, run);
    return run;
  }

  /** Syncs every workspace of the directory (at startup). */
  async syncAll(): Promise<void> {
    await Promise.all(this.directory.listWorkspaces().map((w) => this.schedule(w.id)));
  }

  /** Resolves when no sync is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async syncNow(workspaceId: string): Promise<void> {
    const workspace = this.directory.getWorkspace(workspaceId);
    if (!workspace) return;
    const members = this.directory.listMembers(workspaceId);
    const membersDiffer = (doc: Y.Doc) => {
      const map = doc.getMap(INDEX_ROOTS.members);
      if (map.size !== members.length) return true;
      return members.some((m) => !sameMember(map.get(m.id), m));
    };
    if (await this.docs.read(indexDoc(workspaceId), membersDiffer)) {
      await this.docs.change(indexDoc(workspaceId), ACTOR, (doc) => {
        const map = doc.getMap(INDEX_ROOTS.members);
        const ids = new Set(members.map((m) => m.id));
        for (const key of [...map.keys()]) if (!ids.has(key)) map.delete(key);
        for (const m of members) if (!sameMember(map.get(m.id), m)) map.set(m.id, m);
      });
    }
    const needsName = (doc: Y.Doc) => typeof doc.getMap(SETTINGS_ROOTS.workspace).get('name') !== 'string';
    if (await this.docs.read(settingsDoc(workspaceId), needsName)) {
      await this.docs.change(settingsDoc(workspaceId), ACTOR, (doc) => {
        const map = doc.getMap(SETTINGS_ROOTS.workspace);
        if (typeof map.get('name') !== 'string') map.set('name', workspace.name);
      });
    }
  }
}
