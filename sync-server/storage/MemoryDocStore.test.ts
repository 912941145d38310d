import { docStoreContract } from './docStoreContract.ts';
import { MemoryDocStore } from './MemoryDocStore.ts';

docStoreContract('MemoryDocStore', async () => ({ store: new MemoryDocStore(), teardown: async () => {} }), { durable: false });
