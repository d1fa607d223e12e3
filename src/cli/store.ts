import type { Config } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';

/** Opens the configured store for one command's work and closes it whatever happens. */
export async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ url: config.databaseUrl });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
